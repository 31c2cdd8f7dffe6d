"""The program from the .deb, unpacked into a scratch root (dpkg -x), runs: --self-test against the local AWS emulator,
and its window opens on a real (virtual) X server."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from tests.packaging.conftest import BUILD_TIMEOUT
from tests.packaging.xvfb import Xvfb, distinct_colours

pytestmark = [pytest.mark.integration, pytest.mark.timeout(BUILD_TIMEOUT + 600)]
WINDOW_TITLE = "AWS Connection Wizard"


def _self_test(program, *args, stdin: str = "", env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(program), "--self-test", *args], input=stdin, capture_output=True, text=True,
                          timeout=300, env=env)


def test_self_test_against_the_local_emulator_passes(built_package, aws_emulator):
    p = aws_emulator.practice
    result = _self_test(built_package.program, "--endpoint-url", aws_emulator.url,
                        stdin=f"{p.access_key_id}\n{p.secret_access_key}\n")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "(installed build)" in out and "Self-test passed." in out
    # every page of the flow, the IAM Identity Center login and role picker included (wizard.ui.wizard.PageId)
    assert "wizard built offscreen: 8 pages" in out
    assert "secrets go to GNOME Keyring" in out
    assert "connection test passed against" in out and "identity ok, service ok" in out
    assert p.secret_access_key not in out + result.stderr


def test_self_test_without_credentials_gets_the_example_key_refused(built_package, aws_emulator):
    result = _self_test(built_package.program, "--endpoint-url", aws_emulator.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "refused the example key as expected (unknown-access-key)" in result.stdout


def test_self_test_without_an_endpoint_sends_nothing_and_says_so(built_package):
    result = _self_test(built_package.program)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "engine     skipped" in result.stdout and "nothing was sent anywhere" in result.stdout


def test_self_test_without_a_session_bus_reports_the_missing_keychain(built_package):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBUS_")}
    result = _self_test(built_package.program, env=env)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "keychain   ENVIRONMENT" in result.stdout and "D-Bus session" in result.stdout


def test_window_opens_under_xvfb_and_is_not_blank(built_package, tmp_path):
    with Xvfb() as display:
        started = time.monotonic()
        program = subprocess.Popen([str(built_package.program)], env=display.env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        try:
            window = display.wait_for_window(WINDOW_TITLE, timeout=90, process=program)
            shown_after = time.monotonic() - started
            time.sleep(1.0)  # let it paint
            shot = display.screenshot(tmp_path / "window.png")
            colours = distinct_colours(shot)
        except (RuntimeError, TimeoutError) as exc:
            program.kill()
            pytest.fail(f"{exc}; program output:\n{program.communicate(timeout=30)[0]}")
        finally:
            if program.poll() is None:
                program.terminate()
        output, _ = program.communicate(timeout=30)
    assert window
    assert colours > 20, f"screenshot has only {colours} colours; program output:\n{output}"
    assert shown_after < 60

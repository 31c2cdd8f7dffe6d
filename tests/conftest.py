"""Test-wide guards and fixtures.

- Network: pytest-socket (configured in pyproject) allows connections to 127.0.0.1 and ::1 only; the guard below also
  refuses every name lookup except localhost, so a test that would resolve an AWS name fails instead. Use names under
  `.invalid` where a test needs a name that must not resolve.
- Qt: offscreen, one QApplication (pytest-qt's `qapp`) and one qasync loop for the whole session.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

# the session fixture `aws_emulator` (moto on 127.0.0.1, signing enforced); the property tests' example counts
pytest_plugins = ("tests.support.aws", "tests.support.property_counts")

_real_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_loopback_name(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = host.strip("[]").lower()
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_loopback_name(host):
        raise socket.gaierror(socket.EAI_NONAME, f"test network guard: lookup of {host!r} refused (loopback only)")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config):
    socket.getaddrinfo = _guarded_getaddrinfo


def pytest_unconfigure(config):
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's application, collecting cyclic garbage on its own thread only, as the program does
    (wizard.ui.collector): a window left over from one test is never destroyed by a worker thread's allocation."""
    from wizard.ui.collector import collect_on_gui_thread

    collect_on_gui_thread()
    return qapp


@pytest.fixture(autouse=True)
def _garbage_collected_between_tests():
    """With automatic collection off (once the application exists), tests that run no Qt loop still collect: here,
    on the main thread, after each test."""
    yield
    collector = sys.modules.get("wizard.ui.collector")
    if collector is not None:
        collector.collect_due()


@pytest.fixture(scope="session")
def qloop(qapp):
    """The session's asyncio loop, driven by Qt (qasync). Never stop it: that would quit the QApplication."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    # run_in_executor(None, ...) uses QThreads: shut them down before Qt goes away, or Qt aborts the process at exit
    # ("QThread: Destroyed while thread is still running", exit status 250 although every test passed).
    executor = qasync.QThreadExecutor()
    loop.set_default_executor(executor)
    yield loop
    executor.shutdown(wait=True)


@pytest.fixture
def stores(tmp_path):
    """A profile store in a temporary folder and the session's keychain, left clean for the next test."""
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore

    store, secret_store = ProfileStore(tmp_path / "wizard-home"), SecretStore()
    yield store, secret_store
    for profile in store.list():
        secret_store.delete(profile.id)


@pytest.fixture(autouse=True)
def _qt_loop_out_of_the_way(request):
    """qasync's loop, built with already_running=True, registers itself as asyncio's running loop for the rest of the
    session. Tests that don't drive Qt (the engine's `asyncio.run`, the CLI's `run_test`) would then fail with "cannot be
    called from a running event loop": for them, step the Qt loop aside and put it back afterwards."""
    if {"qloop", "qtbot"} & set(request.fixturenames):
        yield
        return
    running = asyncio._get_running_loop()
    if running is None:
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(running)
        asyncio.set_event_loop(running)


KEYCHAIN_OUTSIDE_THE_HARNESS = "needs the harness's keychain: run ./dev test or python -m tests.run"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test marked `keychain` needs the private gnome-keyring that `python -m tests.run` starts (it sets
    AWSCW_TEST_SESSION=1). Run any other way, such a test fails at setup, before its fixtures start, rather than being
    skipped: a skip would hide that it never ran."""
    if item.get_closest_marker("keychain") is not None and os.environ.get("AWSCW_TEST_SESSION") != "1":
        pytest.fail(KEYCHAIN_OUTSIDE_THE_HARNESS, pytrace=False)


def pytest_collection_modifyitems(session, config, items):
    """The secret scan (tests/test_zz_no_secrets_left.py) runs after every other test, whatever the collection order."""
    last = [item for item in items if item.path.name == "test_zz_no_secrets_left.py"]
    items[:] = [item for item in items if item.path.name != "test_zz_no_secrets_left.py"] + last

"""`aws-connection-wizard --self-test [--endpoint-url URL]`: is this installation able to do its job?

Checks, in order, and prints one line each:
1. the wizard window can be built (offscreen: no display needed; Qt is imported only here),
2. a keychain backend that keeps secrets safely is found (else it names what is missing),
3. core validation works with the AWS models shipped with the program (limits, regions, services),
4. with --endpoint-url only: the connection test engine, against that endpoint. Credentials to test with come as two
   lines on standard input (access key ID, then secret access key), the same way `add` takes secrets; without them the
   engine signs a request with AWS's documentation example key and must get the endpoint's "unknown access key"
   refusal, which proves signing, HTTP, parsing and diagnosis work. Without --endpoint-url nothing is sent anywhere:
   this part is skipped, and the report says so. The self-test never contacts AWS on its own.

Exit codes: 0 every check passed, 1 a check failed, 3 an environment problem (no keychain, no display libraries,
endpoint unreachable).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Callable, TextIO

PASSED, FAILED, ENVIRONMENT, SKIPPED = "ok", "FAILED", "ENVIRONMENT", "skipped"
EXIT_OK, EXIT_FAILED, EXIT_ENVIRONMENT = 0, 1, 3

# AWS's documentation example key: well formed, and never a real key.
EXAMPLE_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
EXAMPLE_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
_ENVIRONMENT_CODES = ("endpoint-unreachable", "dns-failure", "timeout", "tls-error", "proxy-error")


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # PASSED | FAILED | ENVIRONMENT | SKIPPED
    detail: str


def check_window() -> Outcome:
    """Build the wizard offscreen and check it has its pages."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:  # the Qt libraries, or a system library they need, are missing
        return Outcome("window", ENVIRONMENT, f"Qt could not be loaded: {exc}")
    from wizard.ui.wizard import ConnectionWizard, PageId

    app = QApplication.instance() or QApplication(["aws-connection-wizard"])
    window = ConnectionWizard()
    try:
        window.show()
        app.processEvents()
        missing = [page.name for page in PageId if window.page(int(page)) is None]
        if missing:
            return Outcome("window", FAILED, f"the wizard has no page for {', '.join(missing)}")
        title = window.windowTitle()
        return Outcome("window", PASSED, f"wizard built offscreen: {len(window.pageIds())} pages, title {title!r}")
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def check_keychain() -> Outcome:
    """A keyring backend that keeps secrets safely is found (no secret is written)."""
    from wizard.core.keychain import KeychainError, SecretStore

    store = SecretStore()
    try:
        store.backend()
    except KeychainError as exc:
        return Outcome("keychain", ENVIRONMENT, f"{exc.message} {_keychain_hint()}")
    return Outcome("keychain", PASSED, f"secrets go to {store.backend_name()}")


def _keychain_hint() -> str:
    if sys.platform.startswith("linux"):
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return "Missing: a D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)."
        return ("Missing: a Secret Service on the session D-Bus (install and start gnome-keyring or KWallet, "
                "e.g. `apt install gnome-keyring`).")
    if sys.platform == "darwin":
        return "Missing: access to the login Keychain."
    return "Missing: Windows Credential Manager."


def check_validation() -> Outcome:
    """Field checks give the known answers for known values (this reads the shipped botocore models)."""
    from wizard.core import regions, services, validation

    cases = [
        ("access_key_id", EXAMPLE_ACCESS_KEY_ID, True),
        ("access_key_id", "AKIA!", False),
        ("secret_access_key", EXAMPLE_SECRET_ACCESS_KEY, True),
        ("role_arn", "arn:aws:iam::123456789012:role/Example", True),
        ("role_arn", "arn:aws:iam::12345:role/Example", False),
        ("region", "eu-west-1", True),
        ("region", "mars-north-1", False),
        ("duration", "3600", True),
        ("duration", "60", False),
    ]
    wrong = [f"{key}={raw!r}" for key, raw, ok in cases if validation.check_field(key, raw).ok != ok]
    if wrong:
        return Outcome("validation", FAILED, f"unexpected answers for {', '.join(wrong)}")
    region_count = len(regions.all_region_ids())
    if region_count < 10:
        return Outcome("validation", FAILED, f"only {region_count} regions found in the endpoints data")
    availability = services.availability("s3", "us-east-1")
    if availability != "available":
        return Outcome("validation", FAILED, f"S3 in us-east-1 reported {availability!r}")
    limit_count = len(validation.LIMITS)
    return Outcome("validation", PASSED,
                   f"{len(cases)} field checks, {limit_count} limits from AWS models, {region_count} regions")


def read_credentials(stream: TextIO) -> tuple[str, str] | None:
    """Access key ID and secret access key from two lines of a non-terminal stream, or None."""
    if stream is None or stream.closed or stream.isatty():
        return None
    lines = [stream.readline().strip() for _ in range(2)]
    return (lines[0], lines[1]) if all(lines) else None


def check_engine(endpoint_url: str | None, credentials: tuple[str, str] | None) -> Outcome:
    """Run the connection test engine against `endpoint_url` (skipped without one)."""
    if not endpoint_url:
        return Outcome("engine", SKIPPED, "no --endpoint-url given, so nothing was sent anywhere")
    from wizard.core import engine
    from wizard.core.connection import Connection, NetworkSettings, Secrets

    key_id, secret = credentials or (EXAMPLE_ACCESS_KEY_ID, EXAMPLE_SECRET_ACCESS_KEY)
    conn = Connection(method="access-key", region="us-east-1", service="s3", access_key_id=key_id,
                      network=NetworkSettings(endpoint_url=endpoint_url))
    report = engine.run_test(conn, Secrets(secret_access_key=secret))
    steps = ", ".join(f"{s.name} {s.status}" for s in report.steps)
    code = report.code
    if code in _ENVIRONMENT_CODES:
        return Outcome("engine", ENVIRONMENT, f"{endpoint_url} could not be used ({code}): {steps}")
    if credentials is not None:
        if report.ok:
            return Outcome("engine", PASSED, f"connection test passed against {endpoint_url}: {steps}")
        return Outcome("engine", FAILED, f"connection test failed against {endpoint_url} ({code}): {steps}")
    if code == "unknown-access-key":
        return Outcome("engine", PASSED, f"{endpoint_url} refused the example key as expected (unknown-access-key)")
    return Outcome("engine", FAILED, f"expected the endpoint to refuse the example key, got {code}: {steps}")


def _guarded(name: str, check: Callable[[], Outcome]) -> Outcome:
    try:
        return check()
    except Exception as exc:  # a self-test reports every failure instead of stopping at the first
        return Outcome(name, FAILED, f"{type(exc).__name__}: {exc}")


def run(endpoint_url: str | None = None, stdin: TextIO | None = None, out: TextIO = sys.stdout) -> int:
    """Run every check, print a short report to `out`, return the exit code."""
    from wizard import APP_NAME, __version__

    frozen = " (installed build)" if getattr(sys, "frozen", False) else ""
    print(f"{APP_NAME} {__version__} self-test{frozen}", file=out)
    credentials = read_credentials(stdin) if endpoint_url else None
    checks = [
        ("window", check_window),
        ("keychain", check_keychain),
        ("validation", check_validation),
        ("engine", lambda: check_engine(endpoint_url, credentials)),
    ]
    outcomes = []
    for name, check in checks:
        started = time.monotonic()
        outcome = _guarded(name, check)
        outcomes.append(outcome)
        print(f"  {outcome.name:<11}{outcome.status:<12}{outcome.detail} "
              f"({(time.monotonic() - started) * 1000:.0f} ms)", file=out, flush=True)
    statuses = {o.status for o in outcomes}
    code = EXIT_FAILED if FAILED in statuses else EXIT_ENVIRONMENT if ENVIRONMENT in statuses else EXIT_OK
    print({EXIT_OK: "Self-test passed.", EXIT_FAILED: "Self-test FAILED.",
           EXIT_ENVIRONMENT: "Self-test found an environment problem."}[code], file=out)
    return code


def main(endpoint_url: str | None = None) -> int:
    """Entry point from the command line (wizard.cli)."""
    return run(endpoint_url, sys.stdin)

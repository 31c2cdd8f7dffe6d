"""The IAM Identity Center emulator for tests, and a "browser" that approves its logins over real loopback HTTP."""

from __future__ import annotations

import html.parser
import threading
import urllib.parse
import urllib.request

import pytest

from tests.support import secrets_registry
from wizard.core import sso_login
from wizard.core.sso_login import DeviceAuthorization, SsoTarget
from wizard.core.sso_tokens import Registration, SsoToken
from wizard.practice.sso_seed import start_practice_sso


@pytest.fixture
def sso(aws_emulator):
    """A fresh emulator (its own clients, codes and tokens), seeded against the session's AWS emulator."""
    emulator, _ = start_practice_sso(aws_emulator)
    yield emulator
    emulator.stop()


def target(emulator, **changes) -> SsoTarget:
    values = dict(start_url=emulator.practice.start_url, region=emulator.practice.region, endpoint_url=emulator.url)
    values.update(changes)
    return SsoTarget(**values)


def remember(*found) -> None:
    """Register the secret parts of tokens, registrations and credentials for the final secret scan."""
    for item in found:
        if isinstance(item, SsoToken):
            secrets_registry.register(item.access_token, item.refresh_token)
        elif isinstance(item, Registration):
            secrets_registry.register(item.client_secret)
        else:  # RoleCredentials
            secrets_registry.register(item.secret_access_key, item.session_token)


class _Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def approve_in_browser(url: str, decision: str = "approve") -> str:
    """What a person does: open the authorize page, press the button; the emulator's redirect is followed to the
    wizard's loopback listener, like a browser. Returns the final page's text."""
    with urllib.request.urlopen(url, timeout=10) as page:  # noqa: S310 - loopback only
        form = _Form()
        form.feed(page.read().decode())
        base = urllib.parse.urlsplit(page.geturl())
    data = urllib.parse.urlencode({**form.fields, "decision": decision}).encode()
    action = f"{base.scheme}://{base.netloc}/authorize"
    with urllib.request.urlopen(action, data=data, timeout=10) as done:  # noqa: S310 - loopback only
        return done.read().decode()


class Browser:
    """An `open_browser` callable for sso_login: plays the person in a thread, as a real browser runs apart."""

    def __init__(self, decision: str = "approve", url_filter=None):
        self.decision = decision
        self.url_filter = url_filter or (lambda url: url)
        self.opened: list[str] = []
        self.pages: list[str] = []
        self.errors: list[BaseException] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)

        def run():
            try:
                self.pages.append(approve_in_browser(self.url_filter(url), self.decision))
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(exc)

        threading.Thread(target=run, daemon=True).start()
        return True


def approve_device(verification_uri_complete: str) -> str:
    """Open the device page from the complete verification URI and confirm the code shown."""
    with urllib.request.urlopen(verification_uri_complete, timeout=10) as page:  # noqa: S310 - loopback only
        form = _Form()
        form.feed(page.read().decode())
        base = urllib.parse.urlsplit(page.geturl())
    data = urllib.parse.urlencode({**form.fields, "decision": "approve"}).encode()
    with urllib.request.urlopen(f"{base.scheme}://{base.netloc}/device", data=data, timeout=10) as done:  # noqa: S310
        return done.read().decode()


def logged_in(emulator) -> tuple[SsoTarget, Registration, SsoToken]:
    """A login through the browser (authorization code) at the emulator: its target, client registration and token,
    registered for the final secret scan."""
    t = target(emulator)
    registration = sso_login.register_client(t, "authorization_code")
    token = sso_login.login_with_browser(t, registration, Browser(), timeout=20)
    remember(registration, token)
    return t, registration, token


def device_authorization(emulator) -> tuple[SsoTarget, Registration, DeviceAuthorization]:
    """A device-code login started at the emulator, not approved yet: its target, client registration (registered for
    the final secret scan) and device authorization."""
    t = target(emulator)
    registration = sso_login.register_client(t, "device")
    device = sso_login.start_device_authorization(t, registration)
    remember(registration)
    return t, registration, device

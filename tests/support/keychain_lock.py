"""Lock the harness's gnome-keyring for a test, and unlock it again without a prompt.

gnome-keyring asks its prompter to unlock a locked collection; with no display the prompt fails at once, so code under
test sees a locked keychain. Unlocking afterwards uses gnome-keyring's own interface with the harness's password.
"""

from __future__ import annotations

from contextlib import closing, contextmanager

import secretstorage
from secretstorage.util import DBusAddressWrapper

from tests.run import KEYRING_PASSWORD


def unlock_default_collection() -> None:
    """Unlock with the harness's password through gnome-keyring's own interface (no prompt needed)."""
    with closing(secretstorage.dbus_init()) as conn:
        service = DBusAddressWrapper("/org/freedesktop/secrets", "org.freedesktop.Secret.Service", conn)
        (path,) = service.call("ReadAlias", "s", "default")
        _, session = service.call("OpenSession", "sv", "plain", ("s", ""))
        internal = DBusAddressWrapper(
            "/org/freedesktop/secrets", "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface", conn
        )
        secret = (session, b"", KEYRING_PASSWORD.encode(), "text/plain")
        internal.call("UnlockWithMasterPassword", "o(oayays)", path, secret)


@contextmanager
def locked_keychain():
    """The default collection locked for the duration of the block, then unlocked (checked)."""
    with closing(secretstorage.dbus_init()) as conn:
        collection = secretstorage.get_default_collection(conn)
        collection.lock()
        assert collection.is_locked()
    try:
        yield
    finally:
        unlock_default_collection()
        with closing(secretstorage.dbus_init()) as conn:
            assert not secretstorage.get_default_collection(conn).is_locked()

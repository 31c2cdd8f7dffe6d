"""A proxy that asks for a user name and password: the user name is a network setting in the profile, the password a
named keychain entry (`proxy_password`, `wizard.core.keychain.NAMED_ENTRIES`) of the profile's id.

The profile file's proxy URL never carries a password. At test time the password is read from the keychain into the
connection's `network.proxy_password` (in memory only), and `proxy_url` puts user and password into the URL botocore
is given. Blocking functions (the keychain) run off the GUI thread.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from wizard.core.connection import Connection, NetworkSettings

ENTRY = "proxy_password"


def proxy_url(network: NetworkSettings) -> str:
    """The proxy URL to connect through: the saved URL, with the user name and (in-memory) password when a user name
    is set; "" for no proxy. Never show or log what this returns."""
    if not network.proxy or not network.proxy_user:
        return network.proxy
    parts = urlsplit(network.proxy)
    host = parts.netloc.rpartition("@")[2]
    auth = quote(network.proxy_user, safe="")
    if network.proxy_password:
        auth += ":" + quote(network.proxy_password, safe="")
    return urlunsplit(parts._replace(netloc=f"{auth}@{host}"))


def uses_password(conn: Connection) -> bool:
    return bool(conn.network.proxy and conn.network.proxy_user)


def load_password(secret_store, profile_id: str, conn: Connection) -> str:
    """Blocking: the proxy password kept for the profile ("" when its proxy asks for none or none is kept)."""
    return secret_store.get_entry(profile_id, ENTRY) if uses_password(conn) else ""


def with_password(conn: Connection, password: str) -> Connection:
    """A copy of `conn` whose network settings hold the proxy password in memory (for a test)."""
    import copy

    conn = copy.deepcopy(conn)
    conn.network.proxy_password = password if uses_password(conn) else ""
    return conn


def for_test(secret_store, profile_id: str, conn: Connection) -> Connection:
    """Blocking: the profile's connection ready to test (its proxy password read from the keychain)."""
    return with_password(conn, load_password(secret_store, profile_id, conn)) if uses_password(conn) else conn


def save_password(secret_store, profile_id: str, conn: Connection, password: str | None) -> None:
    """Blocking: keep the proxy password in the keychain (None: leave what is kept; no proxy user: remove it)."""
    if not uses_password(conn):
        secret_store.set_entry(profile_id, ENTRY, "")
    elif password is not None:
        secret_store.set_entry(profile_id, ENTRY, password)

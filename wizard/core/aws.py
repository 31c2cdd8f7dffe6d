"""Building botocore clients for one connection test: the time budget, network settings and the regional STS endpoint.

Every test makes its clients from a fresh botocore session (no state shared between tests or threads). Credentials are
passed explicitly; `credentials=None` means botocore's default chain (environment, shared files, SSO, instance role...).
All functions here block (loading botocore's data files): call them from an executor, never from the GUI thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from botocore.config import Config
from botocore.httpsession import URLLib3Session

from wizard import __version__ as _version
from wizard.core.botocore_data import LOADER, new_botocore_session
from wizard.core.connection import NetworkSettings
from wizard.core.proxy_auth import proxy_url

if TYPE_CHECKING:
    from wizard.core.credentials import Credentials

USER_AGENT_EXTRA = f"aws-connection-wizard/{_version}"


def client_config(network: NetworkSettings) -> Config:
    """One attempt per call, the connection's timeouts and proxy; nothing inherited from botocore's retry defaults."""
    options = dict(
        retries={"total_max_attempts": 1},
        connect_timeout=network.connect_timeout,
        read_timeout=network.read_timeout,
        user_agent_extra=USER_AGENT_EXTRA,
    )
    if network.proxy:
        proxy = proxy_url(network)  # with the proxy's user name and password (in memory only), if it has them
        options["proxies"] = {"https": proxy, "http": proxy}
    return Config(**options)


def verify(network: NetworkSettings) -> str | bool:
    """The `verify` argument of boto3: the CA bundle file when one is set, else the system's trust store."""
    return network.ca_bundle or True


class Session:
    """A botocore session with boto3's `client()` call. boto3 itself adds nothing the test uses (its resources and S3
    transfer helpers), so it is not imported: one botocore session and the shared loader make every client."""

    def __init__(self, core, region: str) -> None:
        self.core = core
        self.region_name = region

    def client(self, service_name: str, region_name: str | None = None, **kwargs):
        """As boto3's `Session.client`: botocore's `create_client` with the session's region by default."""
        return self.core.create_client(service_name, region_name=region_name or self.region_name, **kwargs)


def new_session(region: str) -> Session:
    """A fresh session (its own botocore session and credential chain; the shared data loader) with STS regional."""
    core = new_botocore_session()
    core.set_config_variable("sts_regional_endpoints", "regional")
    core.set_config_variable("region", region)
    return Session(core, region)


def warm_up(services=("sts",), *, clients: bool = False) -> None:
    """Parse ahead of time, into the shared loader, the botocore data that making these services' clients reads (the
    SDK defaults, the partitions, each service's model and endpoint rules), and import botocore's session and client
    modules. With `clients`, also make one client of each (made-up keys, thrown away, never calling anything), so that
    what making a client imports and compiles beyond the data is done too: the GUI warms up long before a test, and a
    test's worker then holds the GIL, which stalls the event loop, as briefly as possible. The CLI's test, which makes
    its clients right after, skips those throwaway clients (~30 ms of work). Blocking: call it from a thread, early."""
    import botocore.session  # noqa: F401  (and with it botocore.client, .endpoint, .regions: what a client needs)

    LOADER.load_data("sdk-default-configuration")
    LOADER.load_data("partitions")
    for service in services:
        LOADER.load_service_model(service, "service-2")
        LOADER.load_service_model(service, "endpoint-rule-set-1")
    if clients:
        session = new_session("us-east-1")
        for service in services:
            session.client(service, region_name="us-east-1", aws_access_key_id="warm-up",
                           aws_secret_access_key="warm-up")


def make_client(service: str, region: str, credentials: Credentials | None, network: NetworkSettings, *,
                session: Session | None = None):
    """A botocore client for `service` in `region` with the connection's network settings.

    `credentials` (`wizard.core.credentials.Credentials`) or None for boto3's default chain. STS is
    reached at the regional endpoint of `region` (botocore's resolver, forced to "regional"), unless the connection
    overrides the endpoint URL. `session` (from `new_session`) may be reused by the steps of one test to save loading
    botocore's data again; credentials are always given per client, never stored on the session.
    """
    session = session or new_session(region)
    keys = {}
    if credentials is not None:
        keys = dict(
            aws_access_key_id=credentials.access_key_id or None,
            aws_secret_access_key=credentials.secret_access_key or None,
            aws_session_token=credentials.session_token or None,
        )
    return session.client(
        service,
        region_name=region,
        endpoint_url=network.endpoint_url or None,
        config=client_config(network),
        verify=verify(network),
        **keys,
    )


def http_session(network: NetworkSettings) -> URLLib3Session:
    """botocore's HTTP session with the connection's CA bundle, proxy and timeouts: for plain reachability checks."""
    proxy = proxy_url(network)
    proxies = {"https": proxy, "http": proxy} if proxy else None
    return URLLib3Session(
        verify=verify(network), proxies=proxies, timeout=(network.connect_timeout, network.read_timeout)
    )


# --- keeping secrets out of botocore's debug logs ---------------------------------------------------------------------
# At DEBUG level botocore logs whole requests (X-Amz-Security-Token header) and response bodies (AssumeRole returns a
# secret key and a session token). Every record of botocore's, boto3's and urllib3's loggers goes through this filter,
# which formats the message and redacts it before any handler sees it.

_LOG_PREFIXES = ("botocore", "boto3", "urllib3", "s3transfer")
_active_secrets: dict[int, tuple[str, ...]] = {}  # per running test: the values to redact besides secret-shaped text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from wizard.core.diagnoses import redact

        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not break logging
            message = str(record.msg)
        secrets = [v for values in list(_active_secrets.values()) for v in values]
        record.msg, record.args = redact(message, secrets), ()
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Attach the redacting filter to every existing botocore/boto3/urllib3 logger (idempotent; call after imports)."""
    names = [n for n in list(logging.Logger.manager.loggerDict) if n.split(".")[0] in _LOG_PREFIXES]
    for name in set(names) | set(_LOG_PREFIXES):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def register_secrets(owner: object, values) -> None:
    """Values to redact from library logs while `owner` (a running test) lives; `forget_secrets(owner)` after."""
    _active_secrets[id(owner)] = tuple(v for v in values if v)


def forget_secrets(owner: object) -> None:
    _active_secrets.pop(id(owner), None)

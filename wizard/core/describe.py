"""One description of a connection, for every place that shows one: the wizard's summary page, the manager's details
pane, the CLI's `show` and `list --json`, and the header of a test report.

Redaction happens here, once and one way (`public_*`): a secret value never enters a description (only where it is
kept, or its length for a draft); an access key id is masked to its first and last four characters ("AKIA…MPLE"); a
URL (proxy, endpoint) loses any user:password it carries. No Qt.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

from wizard.core.connection import Connection, Secrets
from wizard.core.i18n import QT_TRANSLATE_NOOP, translate
from wizard.core.methods import METHODS
from wizard.core.redact import mask_access_key_id
from wizard.core.tokens import profile_time_left

Row = tuple[str, str]

SOURCE_TITLES = {
    "default": QT_TRANSLATE_NOOP("describe", "This computer's default AWS credentials (environment, ~/.aws, SSO)"),
    "instance": QT_TRANSLATE_NOOP("describe", "The IAM role of this EC2 instance (instance metadata)"),
}
# The values below are said in the user's language (wizard.core.i18n, context "describe"); JSON never holds them.


# --- redaction: the one place -----------------------------------------------------------------------------------------
def public_key_id(key_id: str) -> str:
    """An access key id as it may be shown: "AKIA…MPLE" ("" when there is none)."""
    return mask_access_key_id(key_id) if key_id else ""


def public_url(url: str) -> str:
    """A URL as it may be shown: without any user:password (a proxy's credentials)."""
    if not url:
        return url
    parts = urlsplit(url)
    if not parts.username and not parts.password:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def public_settings(conn: Connection) -> dict:
    """The connection's settings (`Connection.to_dict()`) as they may be shown or printed as JSON."""
    data = conn.to_dict()
    data["access_key_id"] = public_key_id(conn.access_key_id)
    network = dict(data.get("network") or {})
    for key in ("proxy", "endpoint_url"):
        if network.get(key):
            network[key] = public_url(network[key])
    data["network"] = network
    return data


def secret_summary(value: str) -> str:
    """A draft's secret (the wizard's summary): its length and where it goes, never the value."""
    if not value:
        return translate("describe", "none")
    return translate("describe", "\u2022\u2022\u2022\u2022 ({n} characters, will be stored in the keychain)").format(
        n=len(value))


# --- titles -----------------------------------------------------------------------------------------------------------
def method_title(method_id: str) -> str:
    """The method's title in the user's language (the id when it is unknown)."""
    method = METHODS.get(method_id)
    return translate("methods", method.title) if method else method_id


def service_title(service_id: str) -> str:
    from wizard.core.services import SERVICES

    service = SERVICES.get(service_id)
    return translate("services", service.title) if service else service_id


def region_title(region_id: str) -> str:
    from wizard.core.regions import find_region

    region = find_region(region_id)
    return region.label if region else region_id


def source_title(source: str) -> str:
    if source.startswith("profile:"):
        return translate("describe", "The saved connection {name}").format(name=source.removeprefix("profile:"))
    return translate("describe", SOURCE_TITLES[source]) if source in SOURCE_TITLES else source


def _L(label: str) -> str:  # noqa: N802 - a row's label: English here, translated where shown ("describe")
    return label


# --- the description --------------------------------------------------------------------------------------------------
def connection_rows(conn: Connection, secrets: Secrets | None = None, *,
                    keychain: str = "the OS keychain") -> list[Row]:
    """(label, value) rows describing a connection, redacted. `secrets`: a draft's secrets (the wizard), described by
    their length; without them, a saved connection's secrets are described by where they live (`keychain`)."""
    rows: list[Row] = [(_L("Method"), method_title(conn.method))]
    if conn.uses_keys:
        rows.append((_L("Access key ID"), public_key_id(conn.access_key_id) or translate("describe", "none")))
        if secrets is not None:
            rows += [(_L("Secret access key"), secret_summary(secrets.secret_access_key)),
                     (_L("Session token"), secret_summary(secrets.session_token))]
        else:
            rows.append((_L("Secret access key"), translate("describe", "in {keychain}").format(keychain=keychain)))
    if conn.method == "assume-role":
        rows.append((_L("IAM role"), conn.role))
    if conn.method == "cross-account":
        rows += [(_L("IAM role ARN"), conn.role_arn),
                 (_L("External ID"), conn.external_id or translate("describe", "none")),
                 (_L("Assume the role as"), source_title(conn.source))]
    if conn.method == "sso":
        rows += [(_L("Start URL"), conn.sso_start_url), (_L("SSO region"), conn.sso_region),
                 (_L("AWS account ID"), conn.sso_account_id), (_L("Role (permission set)"), conn.sso_role_name)]
    if (conn.mfa_serial or "").strip():
        rows.append((_L("MFA device"), conn.mfa_serial.strip()))
    if conn.method in ("assume-role", "cross-account"):
        rows.append((_L("Session"), translate("describe", "{name}, {seconds} seconds ({hours} h)").format(
            name=conn.session_name, seconds=conn.duration, hours=f"{conn.duration / 3600:g}")))
    rows.append((_L("Service"), f"{service_title(conn.service)} ({conn.service})"))
    if conn.service == "s3" and conn.bucket:
        rows.append((_L("S3 bucket"), conn.bucket))
    if conn.service == "bedrock-runtime" and conn.model_id:
        rows.append((_L("Model ID"), conn.model_id))
        rows.append((_L("Invoke the model"),
                     translate("describe", "yes, during the test (may cost a fraction of a cent)") if conn.invoke_model
                     else translate("describe", "no: the test checks credentials and endpoint reach only")))
    rows.append((_L("Region"), region_title(conn.region)))
    net = conn.network
    proxy = public_url(net.proxy)
    if proxy and net.proxy_user:
        proxy += translate("describe", " (user {user}; its password in the keychain)").format(user=net.proxy_user)
    for label, value in ((_L("Endpoint URL"), public_url(net.endpoint_url)), (_L("Proxy"), proxy),
                         (_L("CA bundle"), net.ca_bundle)):
        if value:
            rows.append((label, value))
    if secrets is not None:
        if conn.uses_keys and secrets.session_token:
            stored = "settings in the profile file; the secret access key and session token only in the keychain"
        elif conn.uses_keys:
            stored = "settings in the profile file; the secret access key only in the keychain"
        elif conn.method == "sso":
            stored = "settings in the profile file; the login's tokens only in the keychain"
        else:
            stored = "settings in the profile file; this method keeps no secret on this computer"
        rows.append((_L("Stored"), translate("describe", stored)))
    return rows


def when_text(epoch: float, now: float | None = None) -> str:
    """How long ago `epoch` was, as the table and the details both say it: 'just now', '5 min ago', '2 h 5 min ago'.
    Both compute it with this function on the same clock (the manager's timer refreshes both)."""
    from wizard.core.tokens import format_duration

    seconds = (time.time() if now is None else now) - epoch
    if seconds < 60:
        return translate("describe", "just now")
    return translate("describe", "{duration} ago").format(duration=format_duration(seconds))


def status_text(profile, now: float | None = None) -> str:
    """'✓ OK · 5 min ago', '✗ Failed: access-denied · 1 h ago', or 'Untested'."""
    if profile.untested or profile.tested_at is None or not profile.last_result:
        return translate("describe", "Untested")
    ago = when_text(profile.tested_at, now)
    if profile.last_result == "ok":
        return translate("describe", "✓ OK · {ago}").format(ago=ago)
    return translate("describe", "✗ Failed: {code} · {ago}").format(code=profile.last_result, ago=ago)


def profile_rows(profile, *, keychain: str = "the OS keychain", now: float | None = None) -> list[Row]:
    """A saved profile: its name, its connection's rows, its session token's time left and its last test."""
    rows = [(_L("Name"), profile.name + (translate("describe", " (practice)") if profile.practice else ""))]
    rows += connection_rows(profile.connection, keychain=keychain)
    left = profile_time_left(profile, now)
    if left.kind != "none":
        entered = time.strftime("%Y-%m-%d %H:%M", time.localtime(left.entered_at))
        rows.append((_L("Session token"), translate("describe", "in {keychain}, entered {entered}: {left}").format(
            keychain=keychain, entered=entered, left=left.describe())))
    rows.append((_L("Status"), status_text(profile, now)))
    return rows


def profile_json(profile) -> dict:
    """A saved profile as JSON (`show --json`, one item of `list --json`): everything but its secrets, redacted."""
    settings = public_settings(profile.connection)
    network = settings.pop("network")
    return {
        "name": profile.name, "id": profile.id, **settings, "network": network,
        "created_at": profile.created_at, "tested_at": profile.tested_at, "last_result": profile.last_result,
        "untested": profile.untested, "practice": profile.practice, "expiration": profile.expiration,
        "token": profile_time_left(profile).to_json(),
    }


def report_header(conn: Connection) -> list[str]:
    """The connection lines at the top of a test report ("Label: value"), redacted, and the timeouts used."""
    lines = []
    for label, value in connection_rows(conn):
        if label in ("Secret access key", "Session"):
            continue
        if label == "External ID":  # a report is shared (support, tickets): it says whether one is set, not which
            value = translate("describe", "set") if conn.external_id else translate("describe", "not set")
        lines.append(f"{translate('describe', label)}: {value}")
    net = conn.network
    lines.append(translate("describe", "Timeouts: connect {connect} s, read {read} s, one attempt").format(
        connect=f"{net.connect_timeout:g}", read=f"{net.read_timeout:g}"))
    return lines

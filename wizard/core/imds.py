"""Check this machine: is it an EC2 instance, which role is attached, and is its metadata service set up safely?

Talks to the EC2 instance metadata service (IMDS) the way the AWS SDKs do: IMDSv2 first (PUT /latest/api/token with a
TTL header, then GETs carrying the token); IMDSv1 (a GET without a token) only to find out whether it is still enabled,
which is a security finding, or to recognise the hop-limit symptom (the token PUT times out, typical inside a container,
while a plain GET still answers). Every request waits at most `timeout` seconds and the whole check has a bounded total,
so off EC2 the answer comes in about a second (closed port: at once; silent address: two timeouts).

Settings honoured, as botocore reads them: AWS_EC2_METADATA_DISABLED (no request at all),
AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4 or IPv6).

The role's temporary credentials are read only for their expiration: the access key, secret key and token are dropped
at once and never stored, logged or returned.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from wizard.core import arn as arns
from wizard.core.i18n import QT_TRANSLATE_NOOP, Words, localized, translate

IPV4_ENDPOINT = "http://169.254.169.254"
IPV6_ENDPOINT = "http://[fd00:ec2::254]"
TOKEN_PATH = "/latest/api/token"
TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
TOKEN_TTL_SECONDS = 60  # the check needs the token for a second or two
IDENTITY_PATH = "/latest/dynamic/instance-identity/document"
IAM_INFO_PATH = "/latest/meta-data/iam/info"
ROLE_LIST_PATH = "/latest/meta-data/iam/security-credentials/"
V1_PROBE_PATH = "/latest/meta-data/instance-id"

DEFAULT_TIMEOUT = 1.0  # seconds per request
TOTAL_BUDGET = 6.0  # seconds for the whole check on an instance (about six requests)

# Finding codes (stable: CLI --json, GUI and tests use them) and how serious each is.
FINDING_SEVERITY = {
    "not-on-ec2": "error",
    "imds-disabled": "error",
    "no-role-attached": "error",
    "role-mismatch": "error",
    "imds-timeout": "error",
    "hop-limit": "warning",
    "imdsv1-enabled": "warning",
}
FINDING_CODES = tuple(FINDING_SEVERITY)
SEVERITY_WORDS = {"error": QT_TRANSLATE_NOOP("imds", "error"), "warning": QT_TRANSLATE_NOOP("imds", "warning")}


@dataclass(frozen=True)
class Finding:
    code: str
    summary: str  # one or two sentences an administrator can act on, in English (the --json contract)
    words: Words | None = field(default=None, compare=False, repr=False)  # the same, to translate (`text`)

    def text(self, translate=None) -> str:
        """The summary in the user's language (`translate`: wizard.core.i18n's, or the window's)."""
        return localized(self.words, translate) if self.words is not None else self.summary

    @property
    def severity(self) -> str:
        """"error" (the instance role cannot be used as entered) or "warning" (works, but should be fixed)."""
        return FINDING_SEVERITY[self.code]

    def to_json(self) -> dict:
        return {"code": self.code, "summary": self.summary}


@dataclass
class InstanceReport:
    on_ec2: bool = False
    imds_version: int | None = None  # 2 (token accepted), 1 (only tokenless requests answer), None (no service)
    imdsv1_enabled: bool | None = None  # None when unknown (no service, or it did not answer in time)
    instance_id: str | None = None
    region: str | None = None
    availability_zone: str | None = None
    account: str | None = None
    instance_profile_arn: str | None = None
    role: str | None = None
    credentials_expiration: str | None = None
    endpoint: str = ""  # where the check looked (not part of the --json contract)
    duration_ms: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        """On EC2 with a usable role and nothing in the way (warnings such as IMDSv1 being enabled allowed)."""
        return self.on_ec2 and bool(self.role) and not self.errors

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_json(self) -> dict:
        """The `check-instance --json` shape (a stable contract: scripts read it)."""
        return {
            "on_ec2": self.on_ec2,
            "imds_version": self.imds_version,
            "imdsv1_enabled": self.imdsv1_enabled,
            "instance_id": self.instance_id,
            "region": self.region,
            "availability_zone": self.availability_zone,
            "account": self.account,
            "instance_profile_arn": self.instance_profile_arn,
            "role": self.role,
            "credentials_expiration": self.credentials_expiration,
            "findings": [f.to_json() for f in self.findings],
        }

    def to_text(self) -> str:
        """A plain-text report for people, in the user's language (no secret is ever in a report)."""
        yes, no = translate("imds", "yes"), translate("imds", "no")
        rows = [
            (translate("imds", "On EC2"), yes if self.on_ec2 else no),
            (translate("imds", "Metadata service"), self.endpoint or "-"),
            (translate("imds", "IMDS version in use"),
             {2: translate("imds", "IMDSv2 (token)"), 1: translate("imds", "IMDSv1 only")}.get(self.imds_version, "-")),
            (translate("imds", "IMDSv1 enabled"),
             {True: yes, False: no}.get(self.imdsv1_enabled, translate("imds", "unknown"))),
            (translate("imds", "Instance id"), self.instance_id),
            (translate("imds", "Region"), self.region),
            (translate("imds", "Availability zone"), self.availability_zone),
            (translate("imds", "Account"), self.account),
            (translate("imds", "Instance profile"), self.instance_profile_arn),
            (translate("imds", "Attached role"), self.role),
            (translate("imds", "Role credentials expire"), self.credentials_expiration),
        ]
        width = max(26, max(len(label) for label, _ in rows) + 2)
        lines = [f"{label + ':':<{width}}{value or '-'}" for label, value in rows]
        if self.findings:
            lines.append("")
            lines.append(translate("imds", "Findings:"))
            lines += [f"  [{translate('imds', SEVERITY_WORDS[f.severity])}] {f.code}: {f.text()}"
                      for f in self.findings]
        else:
            lines += ["", translate("imds", "No findings: this instance's role can be used.")]
        return "\n".join(lines)


def is_disabled(environ: Mapping[str, str]) -> bool:
    return environ.get("AWS_EC2_METADATA_DISABLED", "").strip().lower() == "true"


def endpoint(environ: Mapping[str, str]) -> str:
    """The metadata service's base URL, chosen as botocore does (explicit endpoint, else the IPv4/IPv6 mode)."""
    explicit = environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", "").strip()
    if explicit:
        return explicit.rstrip("/")
    mode = environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "").strip().lower()
    return IPV6_ENDPOINT if mode == "ipv6" else IPV4_ENDPOINT


class _Timeout(Exception):
    """A request got no answer in time (connect or read)."""


class _Unreachable(Exception):
    """Nothing there: connection refused, no route, unresolvable name."""


@dataclass
class _Response:
    status: int
    body: str


class _Client:
    """Plain HTTP to the metadata service, each request bounded by `timeout` and by the check's overall deadline."""

    def __init__(self, base_url: str, timeout: float, deadline: float):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.deadline = deadline

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> _Response:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0.05:
            raise _Timeout(path)
        connection_class = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        conn = connection_class(self.host, self.port, timeout=min(self.timeout, remaining))
        try:
            conn.request(method, self.prefix + path, headers=headers or {})
            response = conn.getresponse()
            body = response.read(64 * 1024).decode("utf-8", "replace")
            return _Response(response.status, body)
        except (TimeoutError, socket.timeout) as exc:
            raise _Timeout(path) from exc
        except (ConnectionError, OSError, http.client.HTTPException) as exc:
            raise _Unreachable(type(exc).__name__) from None
        finally:
            conn.close()


def _role_name(entered: str) -> tuple[str, str | None]:
    """The role name and (for an ARN) the account in what the user entered: a role name or a role ARN."""
    entered = entered.strip()
    found = arns.try_parse(entered)
    if found is not None:
        return found.role_name or found.resource_name, found.account or None
    return entered, None


def role_mismatch(entered: str, report: InstanceReport) -> Finding | None:
    """A finding when the entered role (name or ARN) is not the role attached to this instance."""
    name, account = _role_name(entered)
    if not name or not report.role:
        return None
    same_name = name.lower() == report.role.lower()  # IAM role names are unique regardless of case
    same_account = account is None or report.account is None or account == report.account
    if same_name and same_account:
        return None
    where = _words(" in account {account}", account=report.account) if report.account else ""
    return _finding(
        "role-mismatch",
        "You entered the role '{entered}', but this instance has the role '{role}'{where} attached. "
        "Enter the attached role, or ask an administrator to attach the role you need to this instance's instance "
        "profile (EC2 console: Actions > Security > Modify IAM role).",
        entered=entered.strip(), role=report.role, where=where,
    )


def check_instance(
    role: str | None = None, *, environ: Mapping[str, str] = os.environ, timeout: float = DEFAULT_TIMEOUT
) -> InstanceReport:
    """Check this machine's EC2 instance metadata; `role` is the role name or ARN the user entered (optional)."""
    started = time.monotonic()
    base = endpoint(environ)
    report = InstanceReport(endpoint=base)
    try:
        if is_disabled(environ):
            report.findings.append(
                _finding(
                    "imds-disabled",
                    "AWS_EC2_METADATA_DISABLED=true is set, so the instance metadata service was not asked and no "
                    "program here can use an instance role. Unset it to use the role attached to this instance.",
                )
            )
            return report
        try:
            client = _Client(base, timeout, started + max(TOTAL_BUDGET, 2.5 * timeout))
        except ValueError:
            report.findings.append(
                _finding(
                    "not-on-ec2",
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT is not a usable URL ({url}). "
                    "Fix or unset it (the default is http://169.254.169.254).",
                    url=repr(base),
                )
            )
            return report
        _run_checks(client, report)
        if role and report.on_ec2:
            mismatch = role_mismatch(role, report)
            if mismatch:
                report.findings.append(mismatch)
        return report
    finally:
        report.duration_ms = int((time.monotonic() - started) * 1000)


def _words(text: str, **values) -> Words:
    """Words of a finding (a reason, a part of a sentence) to translate where it is shown."""
    return Words(text, "imds", values=values)


def _finding(code: str, text: str, **values) -> Finding:
    """A finding: its English summary, and the same as one text of the catalogue with its values."""
    found = _words(text, **values)
    return Finding(code, str(found), found)


def _not_on_ec2(report: InstanceReport, why: Words) -> None:
    report.findings.append(
        _finding(
            "not-on-ec2",
            "This machine does not look like an EC2 instance: {why}. The assume-role method with an instance role "
            "only works on an EC2 instance; elsewhere use an access key, or check this on the instance itself.",
            why=why,
        )
    )


def _timeout_finding(report: InstanceReport, what: Words, timeout: float) -> None:
    report.findings.append(
        _finding(
            "imds-timeout",
            "The instance metadata service at {endpoint} did not answer {what} within {seconds} s. "
            "If this is an EC2 instance, check that the metadata service is enabled (instance metadata options), "
            "that no firewall or proxy blocks 169.254.169.254, and that the instance is not overloaded.",
            endpoint=report.endpoint, what=what, seconds=f"{timeout:g}",
        )
    )


def _run_checks(client: _Client, report: InstanceReport) -> None:
    try:
        put = client.request("PUT", TOKEN_PATH, {TOKEN_TTL_HEADER: str(TOKEN_TTL_SECONDS)})
    except _Unreachable:
        _not_on_ec2(report, _words("nothing answers at {endpoint} (connection refused or no route)",
                                   endpoint=report.endpoint))
        return
    except _Timeout:
        _token_timed_out(client, report)
        return
    if put.status == 200 and put.body.strip():
        report.on_ec2 = True
        report.imds_version = 2
        token = put.body.strip()
        _read_instance(client, report, {TOKEN_HEADER: token})
        _check_v1(client, report)
        return
    # Something answered but issued no token: an IMDSv1-only service (or not a metadata service at all).
    _try_v1_only(client, report, _words("the token request was answered with HTTP {status}", status=put.status))


def _token_timed_out(client: _Client, report: InstanceReport) -> None:
    """The token PUT got no answer: either nothing is there, or the PUT's reply is dropped (hop limit)."""
    try:
        v1 = client.request("GET", V1_PROBE_PATH)
    except (_Timeout, _Unreachable):
        _not_on_ec2(report, _words("no instance metadata service answered at {endpoint}", endpoint=report.endpoint))
        _timeout_finding(report, _words("the token request or a plain request"), client.timeout)
        return
    if v1.status != 200:
        _not_on_ec2(report, _words("the token request timed out and a plain request got HTTP {status}",
                                   status=v1.status))
        _timeout_finding(report, _words("the token request"), client.timeout)
        return
    report.on_ec2 = True
    report.imds_version = 1
    report.imdsv1_enabled = True
    report.findings.append(
        _finding(
            "hop-limit",
            "The IMDSv2 token request timed out while a plain IMDSv1 request answered: the instance's metadata "
            "response hop limit is too low for this container or VM. Raise it to 2 (aws ec2 "
            "modify-instance-metadata-options --http-put-response-hop-limit 2), or run with host networking.",
        )
    )
    _imdsv1_finding(report)
    _read_instance(client, report, {})


def _try_v1_only(client: _Client, report: InstanceReport, why: Words) -> None:
    try:
        v1 = client.request("GET", V1_PROBE_PATH)
    except _Timeout:
        _not_on_ec2(report, why)
        _timeout_finding(report, _words("a plain request"), client.timeout)
        return
    except _Unreachable:
        _not_on_ec2(report, why)
        return
    if v1.status != 200:
        _not_on_ec2(report, _words("{why}, and a plain request got HTTP {status}", why=why, status=v1.status))
        return
    report.on_ec2 = True
    report.imds_version = 1
    report.imdsv1_enabled = True
    _imdsv1_finding(report)
    _read_instance(client, report, {})


def _imdsv1_finding(report: InstanceReport) -> None:
    report.findings.append(
        _finding(
            "imdsv1-enabled",
            "IMDSv1 is still enabled on this instance: any request forgery bug in software here can read the role's "
            "credentials. Require IMDSv2 (aws ec2 modify-instance-metadata-options --http-tokens required) once "
            "your programs use a current AWS SDK.",
        )
    )


def _check_v1(client: _Client, report: InstanceReport) -> None:
    """A tokenless GET: answered means IMDSv1 is still enabled; 401 means IMDSv2 is required (good)."""
    try:
        v1 = client.request("GET", V1_PROBE_PATH)
    except (_Timeout, _Unreachable):
        return  # unknown; not worth a finding of its own
    report.imdsv1_enabled = v1.status == 200
    if report.imdsv1_enabled:
        _imdsv1_finding(report)


def _get(client: _Client, path: str, headers: dict[str, str]) -> _Response | None:
    """GET a metadata path; None when it timed out (recorded once as imds-timeout by the caller)."""
    try:
        return client.request("GET", path, headers)
    except (_Timeout, _Unreachable):
        return None


def _json(body: str) -> dict:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _read_instance(client: _Client, report: InstanceReport, headers: dict[str, str]) -> None:
    timed_out = False
    identity = _get(client, IDENTITY_PATH, headers)
    timed_out |= identity is None
    if identity is not None and identity.status == 200:
        doc = _json(identity.body)
        report.instance_id = doc.get("instanceId")
        report.region = doc.get("region")
        report.availability_zone = doc.get("availabilityZone")
        report.account = doc.get("accountId")

    info = _get(client, IAM_INFO_PATH, headers)
    timed_out |= info is None
    if info is not None and info.status == 200:
        report.instance_profile_arn = _json(info.body).get("InstanceProfileArn")

    roles = _get(client, ROLE_LIST_PATH, headers)
    timed_out |= roles is None
    if roles is not None and roles.status == 200:
        names = [line.strip() for line in roles.body.splitlines() if line.strip()]
        report.role = names[0] if names else None
    if report.role:
        report.credentials_expiration = _read_expiration(client, report.role, headers)
    elif roles is not None:
        why = _words("has no IAM role attached") if roles.status == 404 \
            else _words("named no role (HTTP {status})", status=roles.status)
        report.findings.append(
            _finding(
                "no-role-attached",
                "This instance {why}, so programs here get no credentials from it. Attach an instance profile "
                "with the role (EC2 console: Actions > Security > Modify IAM role), or use an access key instead.",
                why=why,
            )
        )
    if timed_out:
        _timeout_finding(report, _words("every request"), client.timeout)


def _read_expiration(client: _Client, role: str, headers: dict[str, str]) -> str | None:
    """Only the Expiration field of the role's credentials; the keys themselves are discarded unread."""
    response = _get(client, ROLE_LIST_PATH + urllib.parse.quote(role), headers)
    if response is None or response.status != 200:
        return None
    expiration = _json(response.body).get("Expiration")
    return expiration if isinstance(expiration, str) else None

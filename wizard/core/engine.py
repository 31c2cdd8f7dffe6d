"""The connection test: one engine for the GUI (awaited through qasync) and the CLI (asyncio.run).

A test is a list of steps run in order; each blocking boto3 call, client creation included, runs in a worker thread
(`loop.run_in_executor`), so the caller's event loop stays responsive. `on_step` is called on the loop's thread each time a
step changes (running, then its final status). When the awaiting task is cancelled, the running and remaining steps are
marked cancelled at once and CancelledError propagates; the worker thread is not waited for and its late result is
discarded.

| method        | steps                                                                         |
|---------------|-------------------------------------------------------------------------------|
| access-key    | identity → service (the probe starts beside the identity call: same credentials)  |
| assume-role   | identity → assume-role → assumed-identity → service [→ instance]              |
| cross-account | identity (of the source) → assume-role (External ID) → assumed-identity → service |
| sso           | sso-token → role-credentials → identity (of the role) → service (beside identity) |

Steps that sign with the same credentials needn't wait for each other: when no AssumeRole lies between them, the
identity step starts the service probe in its own worker thread as soon as its credentials and STS client are ready, so
both calls are on the wire together. The report is unchanged: the service step is shown (and awaited, within the same
deadline) after the identity step, with the probe's own duration; when the identity step fails, the probe's answer is
dropped and the step is skipped, as before.

Which credentials the identity step signs with, AssumeRole's parameters and whether the instance step runs are decided
in `wizard.core.credentials` (`plan_test()` builds the test every front end runs). With a `timeout`, the whole test has
that many seconds: the step running when they run out fails with the `timeout` diagnosis and the rest are skipped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import datetime as _dt
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from wizard.core import aws, credentials, diagnoses, probes
from wizard.core.connection import SERVICE_IDS, Connection, Secrets
from wizard.core.credentials import CredentialSource, Credentials
from wizard.core.diagnoses import Diagnosis
from wizard.core.i18n import QT_TRANSLATE_NOOP, Words, localized, translate

STEP_NAMES = ("sso-token", "role-credentials", "identity", "assume-role", "assumed-identity", "service", "instance")
STATUSES = ("pending", "running", "ok", "failed", "denied", "skipped", "cancelled")
FINAL = ("ok", "failed", "denied", "skipped", "cancelled")
_DENIED_CODES = {"assume-role-denied", "service-denied", "model-access"}
_INSTANCE_PROBLEMS = {"no-role-attached", "role-mismatch", "imds-disabled", "imds-timeout", "hop-limit"}

class DaemonThreadExecutor(concurrent.futures.Executor):
    """Runs each call in its own daemon thread. A cancelled call keeps running until its own timeout; with a thread
    pool, the interpreter would wait for it at exit (closing the program mid-test could hang for the read timeout),
    and stuck calls could fill the pool. Calls are few (a handful per test), so a thread each is cheap."""

    def __init__(self, name: str):
        self._name = name
        self._count = itertools.count(1)

    def submit(self, fn, /, *args, **kwargs) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting side
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=work, name=f"{self._name}-{next(self._count)}", daemon=True).start()
        return future


# Where every blocking AWS call runs (loop.run_in_executor(EXECUTOR, ...)).
EXECUTOR = DaemonThreadExecutor("connection-test")

_UNSET = object()

_SERVICE_TITLES = {"s3": "Amazon S3", "ec2": "Amazon EC2", "workspaces": "Amazon WorkSpaces",
                   "bedrock-runtime": "Amazon Bedrock runtime"}


@dataclass(frozen=True)
class StepResult:
    name: str
    title: str
    status: str = "pending"
    duration_ms: int = 0
    detail: str = ""
    diagnosis: Diagnosis | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "status": self.status, "duration_ms": self.duration_ms,
                "diagnosis": self.diagnosis.to_json() if self.diagnosis else None}


@dataclass
class TestReport:
    steps: list[StepResult]
    identity_arn: str = ""
    assumed_arn: str = ""
    expiration: float | None = None  # epoch seconds when the assumed role's credentials expire
    ok: bool = False
    connection: Connection | None = field(default=None, repr=False)
    finished_at: float = 0.0

    __test__ = False  # not a pytest test class

    @property
    def failure(self) -> StepResult | None:
        return next((s for s in self.steps if s.status in ("failed", "denied")), None)

    @property
    def code(self) -> str:
        """"ok", or the diagnosis code of the first failed step (what profiles record as last_result)."""
        failure = self.failure
        if failure is not None and failure.diagnosis is not None:
            return failure.diagnosis.code
        return "ok" if self.ok else "cancelled"

    def to_json(self, profile: str = "") -> dict:
        return {"profile": profile, "ok": self.ok, "steps": [s.to_json() for s in self.steps]}

    def to_text(self) -> str:
        """A plain-text report for copying or saving: secrets never appear; the connection is described by
        `wizard.core.describe` (access key id masked, a proxy without its password)."""
        lines = [translate("engine", "AWS Connection Wizard — connection test"), ""]
        if self.connection is not None:
            from wizard.core.describe import report_header

            lines += report_header(self.connection)
        if self.finished_at:
            when = _dt.datetime.fromtimestamp(self.finished_at, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            lines.append(translate("engine", "Tested:   {when}").format(when=when))
        if self.identity_arn:
            lines.append(translate("engine", "Identity: {arn}").format(arn=self.identity_arn))
        if self.assumed_arn:
            lines.append(translate("engine", "Assumed role identity: {arn}").format(arn=self.assumed_arn))
        if self.expiration:
            when = _dt.datetime.fromtimestamp(self.expiration, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            lines.append(translate("engine", "Role credentials expire: {when}").format(when=when))
        lines.append(translate("engine", "Result:   OK") if self.ok
                     else translate("engine", "Result:   FAILED ({code})").format(code=self.code))
        lines.append("")
        for step in self.steps:
            lines.append(f"[{step.status}] {step.title} ({step.duration_ms} ms)")  # status: the --json word
            if step.detail:
                lines.append(f"    {localized(step.detail)}")
            d = step.diagnosis
            if d is not None:
                lines.append(translate("engine", "    Diagnosis: {code} — {summary}").format(
                    code=d.code, summary=diagnoses.shown(d.summary)))
                lines.extend(f"    - {diagnoses.shown(cause)}" for cause in d.causes)
                lines.append(
                    translate("engine", "    What to do: {remedy}").format(remedy=diagnoses.shown(d.remedy))
                )
                if d.refused_action:
                    lines.append(translate("engine", "    Refused action: {action}").format(action=d.refused_action))
                if d.aws_error:
                    lines.append(translate("engine", "    Error: {error}").format(error=d.aws_error))
        return diagnoses.redact("\n".join(lines) + "\n")


def _offline_problem(conn: Connection, secrets: Secrets) -> Diagnosis | None:
    """What is wrong before any network call (token rules, empty required fields), or None: the first error of the
    fields the field catalogue says the connection needs."""
    from wizard.core.fields import problems

    found = problems(conn, secrets)
    if not found:
        return None
    message = found[0].message
    code = message.code if message.code in ("token-missing", "token-not-expected") else "invalid-input"
    diagnosis = diagnoses.make(code)
    if code == "invalid-input":
        diagnosis = dataclasses.replace(diagnosis, summary=message.text)
    return diagnosis


class ConnectionTest:
    """One run of the connection test for `conn` with `secrets` (see the module docstring for the steps)."""

    def __init__(self, conn: Connection, secrets: Secrets, *, caller: CredentialSource | None = None,
                 source_credentials: Credentials | None = None, instance_check: Callable[[], object] | None = None,
                 timeout: float | None = None, mfa_code: credentials.MfaCode = None,
                 mfa_keep: credentials.MfaKeep | None = None):
        """`caller`: where the calling credentials come from (`wizard.core.credentials.calling_source`, the default);
        `source_credentials`: calling credentials already at hand, for a connection without keys of its own;
        `instance_check`: the `instance` step's check (None: no such step); `timeout`: seconds for the whole test;
        `mfa_code`: the MFA code prompter (`wizard.core.credentials.MfaCode`) for an AssumeRole that carries a code;
        `mfa_keep`: where a role assumed with a code is kept and found again (`wizard.core.credentials.MfaKeep`).
        Front ends don't build this themselves: they call `wizard.core.credentials.plan_test`."""
        self.conn = conn
        self.secrets = secrets
        if caller is None:
            caller = (credentials.Given(source_credentials) if source_credentials is not None and not conn.uses_keys
                      else credentials.calling_source(conn, secrets, mfa_code=mfa_code))
        self.caller = caller
        self.instance_check = instance_check
        self.timeout = timeout
        self.mfa_code = mfa_code
        self.mfa_keep = mfa_keep
        self._assumed: Credentials | None = None  # in memory only, for the service step
        self._identity_creds: Credentials | None = None
        self._sso_token = None  # sso: the access token the sso-token step found (memory only)
        self._sso_creds: Credentials | None = None  # sso: the role's credentials (role-credentials step)
        self._session = None  # one fresh boto3 session per run, created in the worker thread
        self._early_service: concurrent.futures.Future | None = None  # the service step, started by the identity step
        self._abandoned = False  # set when the run ends or is cancelled: late worker results are dropped
        self._steps: dict[str, StepResult] = {}
        self._report = TestReport(steps=[], connection=conn)

    # --- plan ---------------------------------------------------------------------------------------------------

    def _probe(self) -> probes.ProbeCall:
        c = self.conn
        return probes.select(c.service, bucket=c.bucket, model_id=c.model_id, invoke_model=c.invoke_model)

    def planned_steps(self) -> list[StepResult]:
        c = self.conn
        names = ["sso-token", "role-credentials", "identity"] if self._uses_sso() else ["identity"]
        if c.method in ("assume-role", "cross-account"):
            names += ["assume-role", "assumed-identity"]
        names.append("service")
        if self.instance_check is not None:
            names.append("instance")
        return [StepResult(n, self._title(n)) for n in names]

    def _uses_sso(self) -> bool:
        return isinstance(self.caller, credentials.SsoRole)

    def _title(self, name: str) -> str:
        c = self.conn
        if name == "sso-token":
            return translate("engine", "IAM Identity Center login — access token (refreshed when needed)")
        if name == "role-credentials":
            return translate("engine", "Role {role} in account {account} — GetRoleCredentials").format(
                role=c.sso_role_name, account=c.sso_account_id)
        if name == "identity" and self._uses_sso():
            return translate("engine", "Identity of the role — GetCallerIdentity")
        if name == "identity":
            if c.method == "cross-account":
                return translate("engine", "Identity of the source ({source}) — GetCallerIdentity").format(
                    source=c.source)
            return translate("engine", "Identity of the access key — GetCallerIdentity")
        if name == "assume-role":
            if c.method == "cross-account" and c.external_id:
                return translate("engine", "Assume the role with External ID — AssumeRole")
            return translate("engine", "Assume the role — AssumeRole")
        if name == "assumed-identity":
            return translate("engine", "Identity of the assumed role — GetCallerIdentity")
        if name == "service":
            return f"{_SERVICE_TITLES.get(c.service, c.service)}: {translate('probes', self._probe().label)}"
        return translate("engine", "EC2 instance check (instance metadata)")

    # --- run ----------------------------------------------------------------------------------------------------

    async def run(self, on_step: Callable[[StepResult], None] | None = None) -> TestReport:
        loop = asyncio.get_running_loop()
        plan = self.planned_steps()
        self._steps = {s.name: s for s in plan}
        order = [s.name for s in plan]
        secret_values = self._secret_values()
        self._report = TestReport(steps=[], connection=self.conn)
        self._abandoned = False
        self._early_service = None
        aws.register_secrets(self, secret_values)

        def emit(step: StepResult) -> None:
            self._steps[step.name] = step
            if on_step is not None:
                on_step(step)

        deadline = None if self.timeout is None else time.monotonic() + self.timeout

        async def within_deadline(fn, *args):
            call = loop.run_in_executor(EXECUTOR, fn, *args)
            return await until_deadline(call)

        async def until_deadline(call):
            if deadline is None:
                return await call
            try:
                return await asyncio.wait_for(call, max(deadline - time.monotonic(), 0.0))
            except asyncio.TimeoutError:
                raise TimeoutError(f"the test's time limit of {self.timeout:g} s ran out during this step") from None

        try:
            # validation loads botocore's models the first time: off the loop's thread too
            try:
                problem = await within_deadline(_offline_problem, self.conn, self.secrets)
            except TimeoutError as exc:
                problem = diagnoses.diagnose(exc, step="identity", connection=self.conn)
            if problem is not None:
                emit(StepResult("identity", self._title("identity"), "failed", 0,
                                     Words(QT_TRANSLATE_NOOP("engine", "Checked before contacting AWS"), "engine"),
                                problem))
                for name in order[1:]:
                    emit(StepResult(name, self._title(name), "skipped"))
                return self._finish()
            for name in order:
                emit(dataclasses.replace(self._steps[name], status="running"))
                started = time.monotonic()
                try:
                    early = self._early_service if name == "service" else None
                    if early is not None:  # already running beside the identity step (see _service_alongside)
                        took, (status, detail) = await until_deadline(asyncio.wrap_future(early, loop=loop))
                        started = time.monotonic() - took  # its own duration, not the wait for the identity step
                    else:
                        status, detail = await within_deadline(getattr(self, "_step_" + name.replace("-", "_")))
                    diagnosis = None
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - every failure becomes a diagnosis
                    diagnosis = self._diagnose(exc, name, secret_values + self._resolved_secret_values())
                    status = "denied" if diagnosis.code in _DENIED_CODES else "failed"
                    detail = ""
                if isinstance(detail, Diagnosis):
                    diagnosis, detail = detail, detail.summary
                duration = int((time.monotonic() - started) * 1000)
                emit(StepResult(name, self._title(name), status, duration, detail, diagnosis))
                if status in ("failed", "denied"):
                    for rest in order[order.index(name) + 1:]:
                        emit(StepResult(rest, self._title(rest), "skipped"))
                    break
            return self._finish()
        except asyncio.CancelledError:
            self._abandoned = True  # a worker still running must not write its late result anywhere
            for name in order:
                if self._steps[name].status in ("pending", "running"):
                    emit(dataclasses.replace(self._steps[name], status="cancelled"))
            self._finish()
            raise
        finally:
            self._abandoned = True
            aws.forget_secrets(self)
            self._assumed = self._identity_creds = self._session = self._sso_token = self._sso_creds = None
            self._early_service = None

    def _diagnose(self, exc: Exception, step: str, secret_values: list[str]) -> Diagnosis:
        """MFA's diagnoses first (a refused code or device, a denial that MFA would lift), then the general ones."""
        has_device = bool((self.conn.mfa_serial or "").strip())
        if getattr(exc, "reason", None) == "mfa-code-needed":
            return diagnoses.make("invalid-input", summary=diagnoses.redact(str(exc), tuple(secret_values)))
        found = diagnoses.diagnose_mfa(exc, has_device, secret_values)
        if found is not None:
            return found
        found = diagnoses.diagnose(exc, step=step, connection=self.conn, secrets=secret_values)
        if found.code == "assume-role-denied" and not has_device:
            found = dataclasses.replace(found, causes=(*found.causes, diagnoses.MFA_ASSUME_ROLE_CAUSE))
        return found

    def _finish(self) -> TestReport:
        report = self._report
        report.steps = [self._steps[s.name] for s in self.planned_steps()]
        statuses = {s.name: s.status for s in report.steps}
        report.ok = statuses.get("service") == "ok" and all(v in ("ok", "skipped") for v in statuses.values())
        report.finished_at = time.time()
        return report

    @property
    def report(self) -> TestReport:
        """The report so far (complete after run() returns; after a cancel, steps show 'cancelled')."""
        return self._report

    # --- the steps (run in worker threads) ----------------------------------------------------------------------

    def _secret_values(self) -> list[str]:
        given = self.caller.credentials.secret_values() if isinstance(self.caller, credentials.Given) else []
        return self.secrets.values() + given

    def _resolved_secret_values(self) -> list[str]:
        """The secrets of the credentials found so far (source, assumed role): redacted from every diagnosis."""
        found = (self._identity_creds, self._assumed, self._sso_creds)
        values = [v for c in found if c is not None for v in c.secret_values()]
        if self._sso_token is not None:
            values += [v for v in (self._sso_token.access_token, self._sso_token.refresh_token) if v]
        return values

    def _client(self, service: str, keys: Credentials | None, session=None):
        if session is None:
            if self._session is None:
                self._session = aws.new_session(self.conn.region)
            session = self._session
        client = aws.make_client(service, self.conn.region, keys, self.conn.network, session=session)
        aws.install_log_redaction()
        return client

    def _step_sso_token(self):
        token, state = self.caller.token()
        if self._abandoned:
            return "cancelled", ""
        self._sso_token = token
        aws.register_secrets(self, self._secret_values() + self._resolved_secret_values())
        when = _dt.datetime.fromtimestamp(token.expires_at, _dt.timezone.utc).strftime("%H:%M UTC")
        if state == "refreshed":
            return "ok", Words(QT_TRANSLATE_NOOP(
                "engine", "Access token refreshed without a new login (valid until {when})"), "engine",
                values={"when": when})
        return "ok", Words(QT_TRANSLATE_NOOP("engine", "Logged in; the access token is valid until {when}"), "engine",
                           values={"when": when})

    def _step_role_credentials(self):
        found = self.caller.role_credentials(self._sso_token)
        if self._abandoned:
            return "cancelled", ""
        self._sso_creds = found
        aws.register_secrets(self, self._secret_values() + self._resolved_secret_values())
        self._report.expiration = found.expiration
        return "ok", Words(QT_TRANSLATE_NOOP("engine", "Role credentials for {role} in account {account}"), "engine",
                           values={"role": self.conn.sso_role_name, "account": self.conn.sso_account_id})

    def _step_identity(self):
        # None: boto3's default chain; sso: the role credentials the role-credentials step fetched
        self._identity_creds = self._sso_creds if self._uses_sso() else self.caller.resolve()
        aws.register_secrets(self, self._secret_values() + self._resolved_secret_values())
        sts = self._client("sts", self._identity_creds)
        if self._service_alongside():
            # the probe signs with the same credentials: it needn't wait for GetCallerIdentity's answer. The report
            # still shows it after the identity step, and skips it (its answer unused) when that step fails.
            self._early_service = EXECUTOR.submit(self._timed_service, self._identity_creds, self._session)
        found = sts.get_caller_identity()
        if not self._abandoned:
            self._report.identity_arn = found["Arn"]
        return "ok", Words(QT_TRANSLATE_NOOP("engine", "Signed in as {arn} (account {account})"), "engine",
                           values={"arn": found["Arn"], "account": found["Account"]})

    def _step_assume_role(self):
        sts = self._client("sts", self._identity_creds)
        found = credentials.assume_role(self.conn, self._identity_creds, caller_arn=self._report.identity_arn,
                                        client=sts, mfa_code=self.mfa_code, keep=self.mfa_keep)
        if self._abandoned:  # cancelled meanwhile: keep nothing of the late answer
            return "cancelled", ""
        self._assumed = found.credentials
        aws.register_secrets(self, self._secret_values() + self._resolved_secret_values())
        self._report.expiration = found.credentials.expiration
        return "ok", Words(QT_TRANSLATE_NOOP("engine", "Assumed {role}"), "engine", values={"role": found.role_arn})

    def _step_assumed_identity(self):
        sts = self._client("sts", self._assumed)
        found = sts.get_caller_identity()
        if not self._abandoned:
            self._report.assumed_arn = found["Arn"]
        return "ok", Words(QT_TRANSLATE_NOOP("engine", "Acting as {arn}"), "engine", values={"arn": found["Arn"]})

    def _timed_service(self, keys, session):
        """The service step started early: (seconds it took, its result). Its exception propagates, the time lost."""
        started = time.monotonic()
        result = self._step_service(keys, session)
        return time.monotonic() - started, result

    def _service_alongside(self) -> bool:
        """The service probe may run beside the identity call: it signs with the identity step's credentials (no
        AssumeRole between them) and the identity step is the one right before it."""
        return (self.conn.method not in ("assume-role", "cross-account") and not self._abandoned
                and self._early_service is None)

    def _service_credentials(self) -> Credentials | None:
        return self._assumed if self.conn.method in ("assume-role", "cross-account") else self._identity_creds

    def _step_service(self, keys: Credentials | None | object = _UNSET, session=None):
        """The probe; `keys` and `session`: given when it starts beside the identity step (the credentials and session
        of that step, held here so that a late run never falls back to other credentials)."""
        c = self.conn
        call = self._probe()
        client = self._client(c.service, self._service_credentials() if keys is _UNSET else keys, session)
        if call.operation == probes.REACH_ONLY:
            return "ok", self._reach(client.meta.endpoint_url)
        params = call.resolved_params(bucket=c.bucket, model_id=c.model_id)
        try:
            getattr(client, call.operation)(**params)
        except ClientError as exc:
            if diagnoses.error_code(exc) not in call.expected_errors:
                raise
            return "ok", Words(QT_TRANSLATE_NOOP("engine", "{probe}: allowed ({code})"), "engine",
                               values={"probe": Words(call.label, "probes"), "code": diagnoses.error_code(exc)})
        return "ok", Words(QT_TRANSLATE_NOOP("engine", "{probe}: allowed"), "engine",
                           values={"probe": Words(call.label, "probes")})

    def _reach(self, endpoint_url: str) -> str:
        from botocore.awsrequest import AWSRequest

        request = AWSRequest(method="GET", url=endpoint_url.rstrip("/") + "/").prepare()
        http = aws.http_session(self.conn.network)
        try:
            response = http.send(request)
        finally:
            http.close()
        return Words(QT_TRANSLATE_NOOP(
            "engine",
            "{probe}: {endpoint} answered (HTTP {status}); the credentials were proven by GetCallerIdentity."),
            "engine",
                     values={"probe": Words(probes.BEDROCK_REACH_LABEL, "probes"), "endpoint": endpoint_url,
                             "status": response.status_code})

    def _step_instance(self):
        """The instance step's status and detail or diagnosis. Its texts are English as str (the report, --json) and
        Words (the findings' own, and this step's), translated where they are shown."""
        found = self.instance_check()
        findings = list(getattr(found, "findings", []) or [])
        if not getattr(found, "on_ec2", False):
            return "skipped", Words(QT_TRANSLATE_NOOP("engine", "Not running on an EC2 instance"), "engine")
        problems = [f for f in findings if getattr(f, "severity", "error" if f.code in _INSTANCE_PROBLEMS else "")
                    == "error"]
        said = [getattr(f, "words", None) or f.summary for f in findings]
        summary = (Words("; ".join(f"{{finding{i}}}" for i in range(len(said))), "engine",
                         values={f"finding{i}": text for i, text in enumerate(said)}) if said
                   else Words(QT_TRANSLATE_NOOP("engine", "Instance metadata and role look right"), "engine"))
        if problems:
            first, *others = [getattr(f, "words", None) or f.summary for f in problems]
            return "failed", Diagnosis(problems[0].code, first, tuple(others), diagnoses.INSTANCE_REMEDY)
        return "ok", summary


def warm_up(services=SERVICE_IDS) -> None:
    """Parse botocore's data (validation's rules, endpoints, the STS and service models) once, now. Blocking: run it
    in EXECUTOR at start-up. Parsing a large JSON file holds the GIL whatever thread does it, so doing it during the
    first test would stall the caller's event loop for a few hundred milliseconds."""
    for service in services:
        _offline_problem(Connection(service=service), Secrets())
    aws.warm_up(("sts", *services), clients=True)


def run_test(conn: Connection, secrets: Secrets, **kw) -> TestReport:
    """Run a connection test to the end from plain (non-async) code, e.g. the CLI."""
    return asyncio.run(ConnectionTest(conn, secrets, **kw).run())

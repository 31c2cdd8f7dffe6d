"""No secret in anything a connection test produces: report text and JSON, step details, diagnoses, every log record
(DEBUG, botocore's and urllib3's included: botocore logs whole requests and AssumeRole's response body there), and the
text of any exception raised along the way.

The secrets scanned for: the practice and denied users' secret keys, the fake keys and tokens the faults use, and the
assumed-role credentials, captured where the engine hands them to the log redactor.
"""

from __future__ import annotations

import json
import logging
import traceback

import pytest

from tests.support import secrets_registry
from tests.support.aws import denied_connection, practice_connection, practice_source
from tests.support.responders import FaultResponder, SilentEndpoint
from wizard.core import aws, engine
from wizard.core.connection import Connection, NetworkSettings, Secrets

pytestmark = pytest.mark.integration


def test_no_secret_in_reports_logs_or_exceptions(aws_emulator, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    for name in ("botocore", "boto3", "urllib3"):
        caplog.set_level(logging.DEBUG, logger=name)
    handed_over: list[str] = []
    original = aws.register_secrets

    def capture(owner, values):
        values = list(values)
        handed_over.extend(values)
        original(owner, values)

    monkeypatch.setattr(aws, "register_secrets", capture)

    produced: list[str] = []
    used: set[str] = set()

    def run(conn, secrets, **kw):
        used.update(secrets.values())
        if kw.get("source_credentials") is not None:
            used.update(kw["source_credentials"].secret_values())
        try:
            report = engine.run_test(conn, secrets, **kw)
        except Exception as exc:  # noqa: BLE001 - an exception's text is scanned too
            produced.append("".join(traceback.format_exception(exc)))
            raise
        produced.extend([report.to_text(), json.dumps(report.to_json("scan")), repr(report)])
        for step in report.steps:
            produced.extend([step.detail, repr(step)])
            if step.diagnosis is not None:
                produced.extend([step.diagnosis.aws_error, step.diagnosis.summary, " ".join(step.diagnosis.causes)])
        return report

    source = practice_source(aws_emulator)
    for method, service in (("access-key", "s3"), ("assume-role", "ec2"), ("cross-account", "workspaces"),
                            ("assume-role", "bedrock-runtime")):
        conn, secrets = practice_connection(aws_emulator, method, service)
        assert run(conn, secrets, source_credentials=source).ok
    run(*denied_connection(aws_emulator, "ec2"))
    conn, _ = practice_connection(aws_emulator)
    run(conn, Secrets(secrets_registry.fake_secret_access_key()))  # wrong secret
    conn, _ = practice_connection(aws_emulator, "cross-account", external_id="wrong-external-id")
    run(conn, Secrets(), source_credentials=source)
    token = secrets_registry.fake_session_token()
    conn, _ = practice_connection(aws_emulator, access_key_id="ASIAIOSFODNN7EXAMPLE")
    run(conn, Secrets(secrets_registry.fake_secret_access_key(), token))  # moto: unknown temporary key
    for kind in ("expired-token", "unexpected"):
        with FaultResponder(kind) as responder:
            conn = Connection(access_key_id="ASIAIOSFODNN7EXAMPLE", network=NetworkSettings(endpoint_url=responder.url))
            run(conn, Secrets(secrets_registry.fake_secret_access_key(), token))
    with SilentEndpoint() as silent:
        conn = Connection(access_key_id="ASIAIOSFODNN7EXAMPLE",
                          network=NetworkSettings(endpoint_url=silent.url, read_timeout=0.5))
        run(conn, Secrets(secrets_registry.fake_secret_access_key(), token))

    for record in caplog.records:
        produced.append(record.getMessage())
        if record.exc_info:
            produced.append("".join(traceback.format_exception(*record.exc_info)))
        if record.exc_text:
            produced.append(record.exc_text)
    produced.append(caplog.text)

    secrets = {s for s in used | set(handed_over) | secrets_registry.registered() if s and len(s) >= 12}
    assumed = set(handed_over) - used - secrets_registry.registered()
    secrets_registry.register(*assumed)
    captured = len(assumed)  # never put a secret in an assert expression: pytest would print it on failure
    assert captured >= 2 * 3, "the assumed-role secret keys and tokens (3 successful AssumeRole calls) were not seen"
    assert any(r.name.startswith("botocore") and r.levelno == logging.DEBUG for r in caplog.records)
    assert any("AssumeRole" in r.getMessage() for r in caplog.records if r.name.startswith("botocore"))
    text = "\n".join(produced)
    leaks = [f"{s[:4]}…({len(s)} chars)" for s in secrets if s in text]
    assert not leaks, f"secrets leaked into reports/logs/exceptions: {leaks}"

"""The EC2 side of the engine, against the strict IMDSv2 emulator on 127.0.0.1: a cross-account source taken from the
instance role (its credentials are the practice user's keys, so moto accepts them), and the `instance` step."""

from __future__ import annotations

import pytest

from tests.support.aws import practice_connection, practice_source
from wizard.core import engine, imds
from wizard.core.connection import Secrets
from wizard.practice.imds_emulator import ImdsEmulator

pytestmark = pytest.mark.integration


@pytest.fixture
def instance(aws_emulator, monkeypatch):
    source = practice_source(aws_emulator)  # the emulator's role document, as the metadata service hands it out
    keys = {"access_key_id": source.access_key_id, "secret_access_key": source.secret_access_key}
    with ImdsEmulator("role", credentials=keys) as metadata:
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", metadata.url)
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "false")
        yield metadata


def test_cross_account_with_the_instance_role_as_source(aws_emulator, instance):
    conn, _ = practice_connection(aws_emulator, "cross-account", "s3", source="instance")
    report = engine.run_test(conn, Secrets())
    assert report.ok, report.to_text()
    assert report.identity_arn == aws_emulator.practice.user_arn
    assert "Identity of the source (instance)" in report.steps[0].title


def test_instance_source_without_metadata_service(aws_emulator, monkeypatch):
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    conn, _ = practice_connection(aws_emulator, "cross-account", "s3", source="instance")
    step = engine.run_test(conn, Secrets()).steps[0]
    assert (step.status, step.diagnosis.code) == ("failed", "invalid-input")


def test_instance_step_after_assume_role(aws_emulator, instance):
    conn, secrets = practice_connection(aws_emulator, "assume-role", "ec2")
    environ = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": instance.url}
    report = engine.run_test(conn, secrets, instance_check=lambda: imds.check_instance(instance.role, environ=environ))
    assert [s.name for s in report.steps][-1] == "instance"
    assert report.ok, report.to_text()
    assert report.steps[-1].status == "ok"


def test_instance_step_reports_a_role_mismatch(aws_emulator, instance):
    conn, secrets = practice_connection(aws_emulator, "assume-role", "ec2")
    environ = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": instance.url}
    report = engine.run_test(conn, secrets,
                             instance_check=lambda: imds.check_instance("SomeOtherRole", environ=environ))
    step = report.steps[-1]
    assert (step.name, step.status, step.diagnosis.code) == ("instance", "failed", "role-mismatch"), report.to_text()
    assert report.steps[-2].status == "ok" and not report.ok


def test_instance_step_skipped_off_ec2(aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "assume-role", "s3")
    report = engine.run_test(conn, secrets,
                             instance_check=lambda: imds.InstanceReport(on_ec2=False))
    assert report.steps[-1].status == "skipped"
    assert report.ok, report.to_text()

"""Texts a first-time user reads, made true: each test failed on version 0.1."""

from __future__ import annotations

from wizard.core import diagnoses, imds
from wizard.core.connection import Connection
from wizard.ui import machine_check, policy_dialog


def test_machine_check_with_metadata_disabled_says_one_thing_not_a_warning_and_an_error():
    report = imds.check_instance(environ={"AWS_EC2_METADATA_DISABLED": "true"})
    messages = machine_check.source_messages(report)
    assert [(m.level, m.code) for m in messages] == [("warning", "imds-disabled")]
    assert "Not on EC2" not in messages[0].text
    assert "AWS_EC2_METADATA_DISABLED" in messages[0].text


def test_no_diagnosis_sends_the_user_to_a_policies_step_that_does_not_exist():
    for code in ("assume-role-denied", "service-denied"):
        remedy = diagnoses.make(code).remedy
        assert "Policies step" not in remedy
        assert "Show the policies" in remedy


def test_permissions_policy_says_what_it_allows_beyond_the_test():
    with_bucket = policy_dialog.connection_documents(Connection(service="s3", bucket="reports"), None)
    text = next(d.where for d in with_bucket if d.title == "Permissions policy")
    assert "exactly the calls" not in text
    assert "s3:GetObject" in text  # the document grants it, so the sentence says so
    without_bucket = policy_dialog.connection_documents(Connection(service="ec2"), None)
    text = next(d.where for d in without_bucket if d.title == "Permissions policy")
    assert "nothing else" in text

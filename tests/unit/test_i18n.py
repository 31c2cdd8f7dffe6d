"""The program's words without Qt (wizard.core.i18n) and the German catalogue: complete for every text in the code,
each translation keeping its placeholders and its one Alt+letter."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest

from wizard.core import i18n

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import translations  # noqa: E402  (tools/translations.py)


@pytest.fixture
def german():
    i18n.set_language("de")
    yield
    i18n.set_language(None)


@pytest.mark.parametrize("environ, expected", [
    ({}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "de_AT.UTF-8"}, "de"),
    ({"LANG": "de_DE.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
    ({"LANGUAGE": "fr:de", "LANG": "en_US.UTF-8"}, "de"),  # the first language of the list the program speaks
    ({"LANGUAGE": "de_CH", "LC_ALL": "en_US.UTF-8"}, "de"),
])
def test_the_language_comes_from_the_environment_as_gettext_reads_it(environ, expected):
    assert i18n.language_from_environment(environ) == expected


def test_english_is_the_source_text_unchanged():
    i18n.set_language("en")
    try:
        assert i18n.translate("fields", "Access key ID") == "Access key ID"
        assert i18n.translate("fields", "no such text") == "no such text"
    finally:
        i18n.set_language(None)


def test_german_comes_from_the_catalogue(german):
    assert i18n.language() == "de"
    assert i18n.translate("fields", "Access key ID") == "Zugriffsschlüssel-ID"
    assert i18n.translate("fields", "a text not in the catalogue") == "a text not in the catalogue"
    assert "de" in i18n.available()


def test_lang_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert i18n.set_language(None) == "de"
    assert i18n.set_language("en") == "en"
    i18n.set_language(None)


def test_every_text_in_the_code_has_a_finished_german_translation():
    texts = translations.all_texts()
    assert len(set(texts)) > 300
    assert translations.unfinished("de", texts) == []


def _fields(text: str) -> list[str]:
    return sorted(name for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None)


def test_translations_keep_placeholders_and_one_mnemonic():
    words = i18n.catalogue("de")
    assert len(words) > 300
    for (context, source), german in words.items():
        assert german.strip(), (context, source)
        assert _fields(german) == _fields(source), (context, source, german)
        mnemonic = re.compile(r"(?<!&)&(?!&)\w")
        assert len(mnemonic.findall(german)) == len(mnemonic.findall(source)), (context, source, german)


# -- messages made with values: the catalogue holds one text with {placeholders}; the values are put in afterwards ----


def test_a_validation_message_with_a_number_is_german_and_its_text_stays_english(german):
    from wizard.core.validation import check_field

    (short,) = check_field("access_key_id", "AKIA12").messages
    assert short.text == "This has 6 characters; an access key ID has at least 16. Copy all of it."
    assert short.localized() == ("Dieser Wert hat 6 Zeichen; eine Zugriffsschlüssel-ID hat mindestens 16. "
                                 "Kopieren Sie den ganzen Wert.")
    pasted = check_field("access_key_id", " AKIAIOSFODNN7EXAMPLE\t\t\n").messages[0]
    assert pasted.localized() == ("Aus dem eingefügten Wert entfernt: ein Leerzeichen, 2 Tabulatoren und ein "
                                  "Zeilenumbruch.")
    assert check_field("region", "US-EAST-1").messages[0].localized() == \
        "Unbekannte Region „US-EAST-1“. Regions-IDs werden kleingeschrieben: us-east-1."
    assert check_field("role_arn", "").messages[0].localized() == "Geben Sie „ARN der IAM-Rolle“ ein."
    assert check_field("duration", "5").messages[0].localized() == \
        "Geben Sie die Sitzungsdauer in ganzen Sekunden von 900 (15 Minuten) bis 43200 (12 Stunden) ein."
    assert check_field("external_id", "abc").messages[0].localized().startswith(
        "Diese Externe ID ist kurz (3 Zeichen); verwenden Sie mindestens 16. Eine erratbare Externe ID")


def test_in_english_a_message_is_its_text():
    from wizard.core.fields import field

    i18n.set_language("en")
    try:
        for key, value in (("access_key_id", " AKIA12\t"), ("region", "eu-west-1a"), ("connect_timeout", "0"),
                           ("role_arn", "arn:aws:iam::1:role/x"), ("bucket", "s3://x")):
            for message in field(key).check(value, {}).messages:
                assert message.localized() == message.text, (key, message)
    finally:
        i18n.set_language(None)


def test_time_ago_and_status_are_german(german):
    from types import SimpleNamespace

    from wizard.core.describe import status_text, when_text

    assert when_text(1000.0, now=1030.0) == "gerade eben"
    assert when_text(1000.0, now=1000.0 + 2 * 3600 + 5 * 60) == "vor 2 h 5 min"
    failed = SimpleNamespace(untested=False, tested_at=1000.0, last_result="access-denied")
    assert status_text(failed, now=1000.0 + 3600) == "✗ Fehlgeschlagen: access-denied · vor 1 h"
    assert status_text(SimpleNamespace(untested=True, tested_at=None, last_result=None)) == "Ungetestet"


def test_a_tokens_time_left_is_german_and_its_json_english(german):
    from wizard.core.tokens import token_time

    left = token_time(1000.0, None, now=1000.0 + 20 * 60)
    assert left.describe() == "noch bis zu 11 h 40 min (eingegeben vor 20 min)"
    assert left.to_json()["text"] == "up to 11 h 40 min left (entered 20 min ago)"


def test_an_instance_finding_is_german_and_its_json_english(german):
    from wizard.core import imds

    report = imds.check_instance(environ={"AWS_EC2_METADATA_DISABLED": "true"})
    assert report.findings[0].text().startswith("AWS_EC2_METADATA_DISABLED=true ist gesetzt")
    assert report.to_json()["findings"][0]["summary"].startswith("AWS_EC2_METADATA_DISABLED=true is set")
    assert "[Fehler] imds-disabled: AWS_EC2_METADATA_DISABLED=true ist gesetzt" in report.to_text()
    mismatch = imds.role_mismatch("reporting", imds.InstanceReport(on_ec2=True, role="app", account="123456789012"))
    assert mismatch.text() == ("Sie haben die Rolle „reporting“ eingegeben, aber dieser Instanz ist die Rolle „app“ "
                               "im Konto 123456789012 zugewiesen. Geben Sie die zugewiesene Rolle ein oder bitten Sie "
                               "einen Administrator, die benötigte Rolle dem Instanzprofil dieser Instanz zuzuweisen "
                               "(EC2-Konsole: Aktionen > Sicherheit > IAM-Rolle ändern).")
    assert mismatch.summary.startswith("You entered the role 'reporting', but this instance has the role 'app' in "
                                       "account 123456789012 attached.")


def test_a_message_keeps_its_words_through_copies_and_values_with_braces(german):
    import copy
    import pickle

    from wizard.core.validation import check_field

    messages = check_field("access_key_id", " AKIA1{2}\t").messages
    for message in messages:
        for again in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
            assert again == message and again.localized() == message.localized()
    assert messages[-1].localized() == 'Entfernen Sie "{", "}": eine Zugriffsschlüssel-ID enthält nur Buchstaben und ' \
                                       "Ziffern."
    assert messages[-1].text == 'Remove "{", "}": an access key ID only contains letters and digits.'


# -- diagnoses, import's reasons and the instance step: German where shown, English in reports and --json -------------


def test_a_clock_skew_diagnosis_is_german_with_its_minutes_and_its_json_english(german):
    from tests.unit.test_diagnoses import client_error
    from wizard.core.diagnoses import diagnose, shown
    from wizard.core.engine import StepResult, TestReport

    behind = diagnose(client_error("SignatureDoesNotMatch", date_offset=20 * 60), step="identity")
    ahead = diagnose(client_error("SignatureDoesNotMatch", date_offset=-30 * 60), step="identity")
    assert shown(behind.summary) == ("Die Uhr dieses Computers geht etwa 20 Minuten gegenüber der AWS-Zeit nach, "
                                     "deshalb lehnt AWS die Signatur ab")
    assert shown(ahead.summary).startswith("Die Uhr dieses Computers geht etwa 30 Minuten gegenüber der AWS-Zeit vor")
    assert behind.to_json()["summary"] == ("This computer's clock is about 20 minutes behind AWS's time, so AWS "
                                           "refuses the signature")
    report = TestReport([StepResult("identity", "Who am I", "failed", 5, "", behind)])
    assert "Diagnose: clock-skew – Die Uhr dieses Computers geht etwa 20 Minuten" in report.to_text()
    i18n.set_language("en")
    english = report.to_text()
    assert "clock-skew — This computer's clock is about 20 minutes behind AWS's time" in english


def test_a_denied_action_and_an_opt_in_region_are_german(german):
    from tests.unit.test_diagnoses import client_error
    from wizard.core.connection import Connection
    from wizard.core.diagnoses import diagnose, shown

    denied = diagnose(client_error("AccessDenied", "User: x is not authorized to perform: s3:ListAllMyBuckets on "
                                   "resource: *", status=403), step="service", connection=Connection(service="s3"))
    assert shown(denied.summary) == "Angemeldet, aber nicht berechtigt, s3:ListAllMyBuckets auszuführen"
    assert denied.summary == "Signed in, but not allowed to perform s3:ListAllMyBuckets"
    unknown = diagnose(client_error("InvalidClientTokenId"), step="identity",
                       connection=Connection(region="eu-south-2"))
    assert shown(unknown.causes[0]).startswith("eu-south-2 ist eine Opt-in-Region:")
    assert unknown.to_json()["causes"][0].startswith("eu-south-2 is an opt-in region:")


def test_import_reasons_are_german_where_shown_and_english_in_json(german):
    from wizard.core import awsconfig

    plans = awsconfig.plan_import({
        "tool": {"credential_process": "other-tool --get"},
        "empty": {"region": "us-east-1"},
        "chained": {"role_arn": "arn:aws:iam::123456789012:role/r", "source_profile": "empty"},
        "bad-region": {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "x" * 40,
                       "region": "nowhere!!"},
    })
    reasons = {name: reason for name, _conn, _secrets, reason in plans}
    assert i18n.localized(reasons["tool"]) == ("verwendet credential_process (ein anderes Programm verwahrt sein "
                                               "Geheimnis)")
    assert i18n.localized(reasons["empty"]) == "hat keine Anmeldedaten"
    assert i18n.localized(reasons["chained"]) == "sein Quellprofil 'empty' hat keinen eigenen Zugriffsschlüssel"
    assert reasons["chained"] == "its source profile 'empty' has no access key of its own"
    assert i18n.localized(reasons["bad-region"]).startswith("Wert für „Region“ ungültig: ")
    assert reasons["bad-region"].startswith("its region is not valid: ")
    item = awsconfig.ImportItem("chained", "skipped", reasons["chained"])
    assert item.to_json()["reason"] == "its source profile 'empty' has no access key of its own"
    assert type(item.to_json()["reason"]) is str


def test_the_instance_steps_lines_are_german_in_the_report_and_english_when_stored(german):
    from types import SimpleNamespace

    from wizard.core import imds
    from wizard.core.engine import ConnectionTest, StepResult, TestReport
    from wizard.core.last_report import stored_report

    def step(found) -> StepResult:
        status, outcome = ConnectionTest._step_instance(SimpleNamespace(instance_check=lambda: found))
        if isinstance(outcome, str):
            return StepResult("instance", "EC2 instance", status, 3, outcome)
        return StepResult("instance", "EC2 instance", status, 3, "", outcome)

    away = step(imds.InstanceReport(on_ec2=False))
    mismatch = imds.role_mismatch("reporting", imds.InstanceReport(on_ec2=True, role="app", account="123456789012"))
    failed = step(imds.InstanceReport(on_ec2=True, findings=[mismatch]))
    report = TestReport([away, failed])
    text = report.to_text()
    assert "    Läuft nicht auf einer EC2-Instanz" in text, text
    assert "Diagnose: role-mismatch – Sie haben die Rolle „reporting“ eingegeben" in text, text
    assert "Was zu tun ist: Ändern Sie die Instanz wie beschrieben" in text, text
    stored = stored_report(report, "p")
    assert stored["steps"][0]["detail"] == "Not running on an EC2 instance"
    assert stored["steps"][1]["diagnosis"]["summary"] == mismatch.summary
    assert stored["steps"][1]["diagnosis"]["remedy"].startswith("Change the instance as described")
    assert report.to_json("p")["steps"][1]["diagnosis"] == {
        "code": "role-mismatch", "summary": mismatch.summary, "causes": [],
        "remedy": stored["steps"][1]["diagnosis"]["remedy"]}


def test_every_step_title_is_german_and_the_json_names_the_steps_as_before(german):
    from wizard.core.connection import Connection, Secrets
    from wizard.core.engine import ConnectionTest

    def titles(conn) -> dict[str, str]:
        test = ConnectionTest(conn, Secrets())
        return {step.name: step.title for step in test.planned_steps()}

    sso = titles(Connection(method="sso", sso_start_url="https://example.awsapps.com/start", sso_region="eu-west-1",
                            sso_account_id="111122223333", sso_role_name="ReadOnly", service="ec2"))
    assert sso["sso-token"] == "Anmeldung bei IAM Identity Center – Zugriffstoken (bei Bedarf erneuert)"
    assert sso["role-credentials"] == "Rolle ReadOnly im Konto 111122223333 – GetRoleCredentials"
    assert sso["identity"] == "Identität der Rolle – GetCallerIdentity"
    assert sso["service"] == "Amazon EC2: DescribeInstances (Probelauf)"
    bucket = titles(Connection(method="access-key", access_key_id="AKIAIOSFODNN7EXAMPLE", service="s3",
                               bucket="reports"))
    assert bucket["service"] == "Amazon S3: ListObjectsV2 (1 Schlüssel) auf dem Bucket"
    assert list(bucket) == ["identity", "service"]


def test_a_keychain_error_is_german_where_shown_and_english_in_its_text(german):
    from wizard.core.keychain import KeychainError, _unlock_collection

    class Locked:
        def is_locked(self):
            return True

        def unlock(self, timeout):
            raise TimeoutError

    with pytest.raises(KeychainError) as caught:
        _unlock_collection(Locked(), 2.5)
    exc = caught.value
    assert str(exc) == "keyring-locked: The keychain is locked and the unlock prompt was not answered in 2.5 s."
    assert i18n.localized(exc.message) == ("Der Schlüsselbund ist gesperrt, und die Entsperr-Abfrage wurde nicht "
                                           "innerhalb von 2.5 s beantwortet.")


def test_a_profile_file_problem_is_german_where_shown_and_english_in_its_text(german, tmp_path):
    from wizard.core.profiles import DamagedStoreError, ProfileStore

    path = tmp_path / "profiles.json"
    path.write_text('{"schema_version": 99, "profiles": []}', encoding="utf-8")
    with pytest.raises(DamagedStoreError) as caught:
        ProfileStore(path.parent).list()
    english = (f"The profile file {path} is damaged: The profile file has schema version 99, newer than this program "
               "knows (1); update aws-connection-wizard. Nothing was changed. There is no backup (profiles.json.bak) "
               "to go back to.")
    assert str(caught.value) == english
    assert i18n.shown(caught.value) == (
        f"Die Profildatei {path} ist beschädigt: Die Profildatei hat die Schema-Version 99, neuer als dieses Programm "
        "kennt (1); aktualisieren Sie aws-connection-wizard. Nichts wurde geändert. Es gibt keine Sicherungskopie "
        "(profiles.json.bak), zu der zurückgekehrt werden kann.")


def test_a_missing_source_profile_is_german_where_shown_and_english_in_its_text(german, tmp_path):
    from wizard.core.credentials import CredentialsError, SavedProfile
    from wizard.core.diagnoses import diagnose
    from wizard.core.profiles import ProfileStore

    with pytest.raises(CredentialsError) as caught:
        SavedProfile("nothere", profile_store=ProfileStore(tmp_path)).resolve()
    assert str(caught.value) == "no profile named 'nothere' (see: aws-connection-wizard list)"
    assert i18n.shown(caught.value) == "kein Profil namens 'nothere' (siehe: aws-connection-wizard list)"
    found = diagnose(caught.value)
    assert i18n.localized(found.summary).endswith(": kein Profil namens 'nothere' (siehe: aws-connection-wizard list)")
    assert found.to_json()["summary"] == ("No credentials were found for the source identity: no profile named "
                                          "'nothere' (see: aws-connection-wizard list)")


def test_the_identity_and_probe_lines_are_german_in_the_report_and_english_in_json(german):
    from types import SimpleNamespace

    from wizard.core.engine import ConnectionTest, StepResult, TestReport

    sts = SimpleNamespace(get_caller_identity=lambda: {"Arn": "arn:aws:sts::123456789012:assumed-role/app/s",
                                                       "Account": "123456789012"})
    ec2 = SimpleNamespace(describe_instances=lambda **_: {}, meta=SimpleNamespace(endpoint_url=""))
    call = SimpleNamespace(label="DescribeInstances (dry run)", operation="describe_instances",
                           resolved_params=lambda **_: {}, expected_errors=())
    test = SimpleNamespace(_client=lambda service, *_: sts if service == "sts" else ec2, _assumed=None,
                           _abandoned=False, _report=SimpleNamespace(), conn=SimpleNamespace(service="ec2", bucket="",
                           model_id=""), _probe=lambda: call, _service_credentials=lambda: None)
    _, acting = ConnectionTest._step_assumed_identity(test)
    _, allowed = ConnectionTest._step_service(test)
    report = TestReport([StepResult("assumed-identity", "Assumed identity", "ok", 5, acting),
                         StepResult("service", "Service", "ok", 5, allowed)])
    text = report.to_text()
    assert "    Handelt als arn:aws:sts::123456789012:assumed-role/app/s" in text, text
    assert ": erlaubt" in text and "allowed" not in text, text
    from wizard.core.last_report import stored_report

    stored = stored_report(report, "p")["steps"]
    assert stored[0]["detail"] == "Acting as arn:aws:sts::123456789012:assumed-role/app/s"
    assert stored[1]["detail"] == "DescribeInstances (dry run): allowed"
    assert report.to_json("p")["steps"][1] == {"name": "service", "status": "ok", "duration_ms": 5, "diagnosis": None}


def test_an_export_refusal_is_german_where_shown_and_english_in_its_text(german):
    from wizard.core.awsconfig import ExportError, choose_style
    from wizard.core.connection import Connection

    with pytest.raises(ExportError) as caught:
        choose_style(Connection(method="access-key"), "bogus")
    assert str(caught.value) == "Unknown export style 'bogus'; use one of process, sdk."
    assert i18n.shown(caught.value) == "Unbekannte Exportart 'bogus'; verwenden Sie eine von process, sdk."

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

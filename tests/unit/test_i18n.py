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

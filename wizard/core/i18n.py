"""The program's words in the user's language, without Qt: one catalogue for the window and the command line.

The catalogue is Qt Linguist's source file, `wizard/resources/translations/aws-connection-wizard_<lang>.ts`
(made by tools/translations.py with pyside6-lupdate). The window reads it through a QTranslator (wizard.ui.translator),
core and the CLI through `translate(context, text)` here: the same words in both. English is the source language: with
it nothing is read and `translate` returns its text unchanged, so English output is exactly the source text.

The language: `set_language()` (from `--lang`) or else the environment as gettext reads it (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG). Machine output (`--json`, diagnosis codes, stored files) never goes through here.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

SOURCE_LANGUAGE = "en"
CATALOGUE_NAME = "aws-connection-wizard"
TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"

_chosen: str | None = None


def _short(tag: str) -> str:
    """'de_DE.UTF-8' -> 'de'; 'C' and 'POSIX' -> 'en'."""
    tag = tag.split(".")[0].split("@")[0].replace("-", "_").strip()
    if tag in ("", "C", "POSIX"):
        return SOURCE_LANGUAGE
    return tag.split("_")[0].lower()


def available() -> tuple[str, ...]:
    """The languages the program speaks: English and every shipped catalogue."""
    found = sorted(p.stem.rsplit("_", 1)[-1] for p in TRANSLATIONS.glob(f"{CATALOGUE_NAME}_*.ts"))
    return (SOURCE_LANGUAGE, *found)


def language_from_environment(environ=None) -> str:
    """The user's language as gettext finds it: LANGUAGE (a list, first one we speak), LC_ALL, LC_MESSAGES, LANG."""
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        if name == "LANGUAGE":
            spoken = [_short(v) for v in value.split(":") if v]
            return next((lang for lang in spoken if lang in available()), spoken[0] if spoken else SOURCE_LANGUAGE)
        return _short(value)
    return SOURCE_LANGUAGE


def set_language(lang: str | None) -> str:
    """Choose the language (`--lang`); None or "" goes back to the environment's. Returns the language in use."""
    global _chosen
    _chosen = _short(lang) if lang else None
    return language()


def language() -> str:
    return _chosen if _chosen is not None else language_from_environment()


def catalogue_path(lang: str) -> Path:
    return TRANSLATIONS / f"{CATALOGUE_NAME}_{lang}.ts"


@lru_cache(maxsize=4)
def catalogue(lang: str) -> dict[tuple[str, str], str]:
    """{(context, source text): translation} of the finished translations in a language's .ts ({} if none)."""
    path = catalogue_path(lang)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return {}
    import xml.etree.ElementTree as ET  # only for a language other than English

    words: dict[tuple[str, str], str] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            if translation.text:
                words[(name, message.findtext("source") or "")] = translation.text
    return words


def translate(context: str, text: str) -> str:
    """`text` in the user's language (unchanged in English or when the catalogue lacks it). pyside6-lupdate finds the
    calls by this name, so write them as `translate("Context", "literal text")`."""
    lang = language()
    if lang == SOURCE_LANGUAGE or not text:
        return text
    return catalogue(lang).get((context, text), text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark a text for the catalogue where it is defined; it is translated where it is shown."""
    return text


class Words(str):
    """Text to translate where it is shown, kept in English until then: a message made with values (a template whose
    `values` are put in after translating, so the catalogue holds one text per message), or words put into one (a
    noun, a reason). The str is the English; `source` is the catalogue's text in `context` (the English, or e.g. a
    field's label where the English shows it lower-cased). A value that is not Words (a number, a name, what was
    typed) is shown as it is."""

    context: str
    source: str
    values: tuple

    def __new__(cls, text: str, context: str, source: str | None = None, values: tuple = ()):
        values = tuple(values.items()) if isinstance(values, dict) else tuple(values)
        return _words(text.format(**dict(values)) if values else text, context, source or text, values)

    def __reduce__(self):  # copies and pickles keep what to translate (dataclasses.asdict deep-copies values)
        return _words, (str(self), self.context, self.source, self.values)


def _words(english: str, context: str, source: str, values: tuple) -> Words:
    found = str.__new__(Words, english)
    found.context, found.source, found.values = context, source, values
    return found


def localized(value, translate=None) -> str:
    """`value` in the user's language: Words translated (their values too), anything else as it is.
    `translate(context, text)`: this module's (the default) or the window's; the catalogue is the same."""
    if translate is None:
        translate = globals()["translate"]
    if not isinstance(value, Words):
        return str(value)
    translated = translate(value.context, value.source)
    if not value.values:
        if translated == value.source and language() == SOURCE_LANGUAGE:
            return str(value)  # English: the words as the English shows them (a label lower-cased inside a sentence)
        return translated  # a translation that is the same word ("Region") keeps the catalogue's spelling
    return translated.format(**{name: localized(v, translate) for name, v in value.values})


def shown(exc: BaseException, translate=None) -> str:
    """An exception's message in the user's language: its first argument when that is `Words` (made where it was
    raised, e.g. a profile file problem), else `str(exc)` as it is. `str(exc)` itself stays English (logs, --json)."""
    message = exc.args[0] if len(exc.args) == 1 else None
    return localized(message, translate) if isinstance(message, Words) else str(exc)

"""argparse's own words (the usage line, its error messages, the help's headings) in the user's language.

argparse asks gettext for them; `speak()` hands it the program's catalogue instead (wizard.core.i18n), so `--lang de`
gives German errors and help throughout, not German sentences inside English frames. English is left to argparse.
"""

from __future__ import annotations

from wizard.core.i18n import QT_TRANSLATE_NOOP, SOURCE_LANGUAGE, language, translate

CONTEXT = "argparse"
# What an administrator can meet (argparse's messages for programming mistakes are left out). Each is argparse's
# exact English: gettext looks a text up by it.
WORDS = (
    QT_TRANSLATE_NOOP("argparse", "usage: "),
    QT_TRANSLATE_NOOP("argparse", "options"),
    QT_TRANSLATE_NOOP("argparse", "positional arguments"),
    QT_TRANSLATE_NOOP("argparse", "show this help message and exit"),
    QT_TRANSLATE_NOOP("argparse", "%(prog)s: error: %(message)s\n"),
    QT_TRANSLATE_NOOP("argparse", "argument %(argument_name)s: %(message)s"),
    QT_TRANSLATE_NOOP("argparse", "the following arguments are required: %s"),
    QT_TRANSLATE_NOOP("argparse", "one of the arguments %s is required"),
    QT_TRANSLATE_NOOP("argparse", "unrecognized arguments: %s"),
    QT_TRANSLATE_NOOP("argparse", "invalid choice: %(value)r (choose from %(choices)s)"),
    QT_TRANSLATE_NOOP("argparse", "invalid %(type)s value: %(value)r"),
    QT_TRANSLATE_NOOP("argparse", "ambiguous option: %(option)s could match %(matches)s"),
    QT_TRANSLATE_NOOP("argparse", "not allowed with argument %s"),
    QT_TRANSLATE_NOOP("argparse", "ignored explicit argument %r"),
    QT_TRANSLATE_NOOP("argparse", "expected one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at least one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at most one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected %s argument"),
    QT_TRANSLATE_NOOP("argparse", "expected %s arguments"),
    QT_TRANSLATE_NOOP("argparse", "unknown parser %(parser_name)r (choices: %(choices)s)"),
    QT_TRANSLATE_NOOP("argparse", "can't open '%(filename)s': %(error)s"),
)


def speak() -> None:
    """From now on argparse says its words in the language in use (call it once the language is chosen)."""
    import argparse

    if language() == SOURCE_LANGUAGE:
        return
    argparse._ = _said
    argparse.ngettext = _said_counted


def _said(text: str) -> str:
    return translate(CONTEXT, text)


def _said_counted(singular: str, plural: str, count: int) -> str:
    return translate(CONTEXT, singular if count == 1 else plural)

"""The window in the user's language: Qt's own words (qtbase_<lang>.qm from the PySide6 wheel) and ours.

Ours come from the same catalogue the command line reads (wizard.core.i18n, the .ts made by tools/translations.py),
through a QTranslator that looks them up there: one catalogue, nothing compiled to keep in step with it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from wizard.core import i18n


class CatalogueTranslator(QTranslator):
    """A QTranslator over wizard.core.i18n's catalogue of one language."""

    def __init__(self, lang: str, parent=None):
        super().__init__(parent)
        self.lang = lang
        self.words = i18n.catalogue(lang)

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D102 - Qt's virtual
        return self.words.get((context, source_text))  # None: not ours, the next translator is asked

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's virtual
        return not self.words

    def language(self) -> str:
        return self.lang


def install_translators(app, lang: str | None) -> str:
    """Speak `lang` (from --lang) or else the system's language in the window and in core's texts.

    Returns the language in use. Earlier translators of ours are removed first, so this may be called again."""
    for old in getattr(app, "_wizard_translators", ()):
        app.removeTranslator(old)
    app._wizard_translators = []
    chosen = i18n.set_language(lang or _system_language())
    QLocale.setDefault(QLocale(chosen) if lang else QLocale.system())
    if chosen == i18n.SOURCE_LANGUAGE:
        return chosen
    qt_words = QTranslator(app)  # Qt's own buttons (Back, Next, Cancel...) and dialogs
    if qt_words.load(QLocale(chosen), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_words)
        app._wizard_translators.append(qt_words)
    ours = CatalogueTranslator(chosen, app)
    if not ours.isEmpty():
        app.installTranslator(ours)
        app._wizard_translators.append(ours)
    return chosen


def _system_language() -> str:
    """The desktop's language: the environment as gettext reads it (LANGUAGE first), else Qt's idea of the system's."""
    from_env = i18n.language_from_environment()
    if any(os.environ.get(n) for n in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")):
        return from_env
    return QLocale.system().name()


def translate(context: str, text: str) -> str:
    """Our words through Qt's translators (pyside6-lupdate finds the calls by this name)."""
    return QCoreApplication.translate(context, text)

"""Keep the translation catalogues in step with the code.

    .venv/bin/python tools/translations.py update     # collect every text into wizard/resources/translations/*.ts
    .venv/bin/python tools/translations.py check      # list texts without a finished translation (exit 1 if any)
    .venv/bin/python tools/translations.py qm DIR     # compile the catalogues with pyside6-lrelease into DIR

`update` runs pyside6-lupdate over wizard/ (it finds `translate("Context", "text")`, `QT_TRANSLATE_NOOP(...)` and
`self.tr(...)` calls), then adds the texts of core's catalogues that are data rather than calls (the field catalogue,
the sign-in methods, the services, the diagnoses' texts) under the contexts their display code uses. Translations
already in a .ts are kept; texts no longer in the code are dropped. Edit the German with Qt Linguist
(pyside6-linguist) or any text editor; the program reads the .ts itself (wizard.core.i18n), so there is no compiled
file to keep in step. `qm` is for whoever wants Qt's compiled form (and checks that lrelease accepts the file).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wizard.core import i18n  # noqa: E402

LANGUAGES = {"de": "de_DE"}


def _qt_tool(name: str) -> str:
    here = Path(sys.executable).parent / f"pyside6-{name}"
    return str(here) if here.exists() else f"pyside6-{name}"


def data_texts() -> list[tuple[str, str]]:
    """(context, text) of core's catalogues: their texts are data, translated where they are shown."""
    from wizard.core import diagnoses, fields, methods, profiles, services
    from wizard.ui.method_page import _title_with_mnemonic as method_title_with_mnemonic

    texts: list[tuple[str, str]] = []
    for f in fields.CATALOGUE:
        texts += [("fields", t) for t in (f.label, f.help, f.placeholder) if t and not t.replace(".", "").isdigit()]
    for m in methods.METHODS.values():
        texts.append(("method_page", method_title_with_mnemonic(m.id)))  # the radio buttons' texts
        texts += [("methods", t) for t in (m.title, m.best_for, m.limitations, m.recommended_for, m.credentials_intro)]
    for s in services.SERVICES.values():
        texts += [("services", t) for t in (s.title, s.description, s.default_probe, s.narrow_probe) if t]
    texts += [("diagnoses", t) for t in diagnosis_texts(diagnoses)]
    texts += [("diagnoses", t) for t in _calls(ROOT / "wizard" / "core" / "diagnoses.py", "_said")]  # with values
    texts += [("awsconfig", t) for t in _calls(ROOT / "wizard" / "core" / "awsconfig.py", "_reason")]  # import skips
    for module in ("keychain.py", "sso_tokens.py"):  # keychain errors' messages (with values)
        texts += [("keychain", t) for t in _calls(ROOT / "wizard" / "core" / module, "_said")]
    texts += [("profile_store", t) for t in _calls(ROOT / "wizard" / "core" / "profiles.py", "_said")]  # file problems
    texts.append(("profile_store", profiles.NAME_RULE))  # put into "Invalid profile name"
    texts += [("credentials", t) for t in _calls(ROOT / "wizard" / "core" / "credentials.py", "_said")]
    texts += [("mfa_session", t) for t in _calls(ROOT / "wizard" / "core" / "mfa_session.py", "_said")]
    texts += [("policies", t) for t in _calls(ROOT / "wizard" / "core" / "policies.py", "_said")]
    texts += [("profile_service", t) for t in _calls(ROOT / "wizard" / "core" / "profile_service.py", "_said")]
    texts += [("describe", t) for t in _calls(ROOT / "wizard" / "core" / "describe.py", "_L")]  # the rows' labels
    validation = ROOT / "wizard" / "core" / "validation.py"
    for kind in ("_error", "_warning", "_info"):  # the field checks' messages (with {placeholders} for their values)
        texts += [("validation", t) for t in _calls(validation, kind, 1)]
    texts += [("validation", t) for t in _calls(validation, "words")]  # words put into them (nouns, reasons)
    texts += [("validation", t) for t in _calls(validation, "N_")]  # words counted ("a space", "{n} spaces")
    texts += [("validation", t) for t in _calls(ROOT / "wizard" / "core" / "fields.py", "message", 2)]
    imds = ROOT / "wizard" / "core" / "imds.py"  # the instance check's findings and the reasons put into them
    texts += [("imds", t) for t in _calls(imds, "_finding", 1) + _calls(imds, "_words")]
    return texts


def diagnosis_texts(diagnoses) -> list[str]:
    """The fixed texts of the diagnoses (summary, causes, remedy of each code, and the module's other sentences).
    A summary or cause made with a value in it (a clock's minutes) is a `_said(...)` call, collected by data_texts."""
    texts: list[str] = []
    for summary, causes, remedy in diagnoses._TEXT.values():
        texts += [summary, *causes, remedy]
    for name, value in vars(diagnoses).items():
        if name.isupper() or name.startswith("_") and name[1:].isupper():
            if isinstance(value, str) and " " in value and value[:1].isupper():
                texts.append(value)
    return [t for t in texts if t]


def _calls(path: Path, name: str, position: int = 0) -> list[str]:
    """The literal argument at `position` of every `name(...)` (or `x.name(...)`) call in a file."""
    import ast

    return [node.args[position].value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and name in (getattr(node.func, "id", ""), getattr(node.func, "attr", ""))
            and len(node.args) > position
            and isinstance(node.args[position], ast.Constant) and isinstance(node.args[position].value, str)]


def code_texts() -> list[tuple[str, str]]:
    """(context, text) that pyside6-lupdate finds in wizard/."""
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "wizard").rglob("*.py"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "code.ts"
        subprocess.run(
            [_qt_tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", *sources, "-ts", str(out)],
            cwd=ROOT,
            check=True,
        )
        return [(c.findtext("name") or "", m.findtext("source") or "")
                for c in ET.parse(out).getroot().iter("context") for m in c.iter("message")]


def _existing(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """{(context, source): (translation, type)} of a .ts, or {}."""
    if not path.is_file():
        return {}
    found = {}
    for c in ET.parse(path).getroot().iter("context"):
        for m in c.iter("message"):
            t = m.find("translation")
            found[(c.findtext("name") or "", m.findtext("source") or "")] = (
                (t.text or "") if t is not None else "", (t.get("type") or "") if t is not None else "unfinished")
    return found


def write_ts(path: Path, lang: str, texts: list[tuple[str, str]], known: dict) -> None:
    root = ET.Element("TS", version="2.1", language=LANGUAGES.get(lang, lang), sourcelanguage="en")
    by_context: dict[str, list[str]] = {}
    for context, text in texts:
        if text not in by_context.setdefault(context, []):
            by_context[context].append(text)
    for context in sorted(by_context):
        c = ET.SubElement(root, "context")
        ET.SubElement(c, "name").text = context
        for text in sorted(by_context[context]):
            m = ET.SubElement(c, "message")
            ET.SubElement(m, "source").text = text
            translation, kind = known.get((context, text), ("", "unfinished"))
            t = ET.SubElement(m, "translation")
            t.text = translation
            if kind or not translation:
                t.set("type", "unfinished")
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def all_texts() -> list[tuple[str, str]]:
    return code_texts() + data_texts()


def unfinished(lang: str, texts: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The texts in the code without a finished, non-empty translation in `lang`'s catalogue."""
    known = _existing(i18n.catalogue_path(lang))
    texts = all_texts() if texts is None else texts
    return sorted({t for t in texts if not known.get(t, ("", ""))[0] or known[t][1]})


def update() -> int:
    texts = all_texts()
    for lang in LANGUAGES:
        path = i18n.catalogue_path(lang)
        write_ts(path, lang, texts, _existing(path))
        print(f"{path.relative_to(ROOT)}: {len(set(texts))} texts, {len(unfinished(lang, texts))} unfinished")
    return 0


def check() -> int:
    missing = {lang: unfinished(lang) for lang in LANGUAGES}
    for lang, texts in missing.items():
        for context, text in texts:
            print(f"{lang}: [{context}] {text!r}")
    return 1 if any(missing.values()) else 0


def qm(out_dir: str) -> int:
    os.makedirs(out_dir, exist_ok=True)
    for lang in LANGUAGES:
        target = Path(out_dir) / f"{i18n.CATALOGUE_NAME}_{lang}.qm"
        subprocess.run(
            [_qt_tool("lrelease"), "-silent", str(i18n.catalogue_path(lang)), "-qm", str(target)], check=True
        )
        print(target)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        return update()
    if argv[:1] == ["check"]:
        return check()
    if argv[:1] == ["qm"] and len(argv) == 2:
        return qm(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The repository carries its own design (docs/architecture.md): no file points to a design document outside it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# spelled in pieces so that this file is not a hit itself
OUTSIDE = re.compile("|".join((r"\.\./" + "shared", "/work/" + "shared", "DES" + "IGN")))


def _files():
    for folder in ("wizard", "tests", "bench", "tools", "packaging", "docs", "resources", ".ci"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".md", ".txt", ".spec", ".toml", ".sh", ".cfg", ".iss", ""):
                yield path
    yield ROOT / "README.md"
    yield ROOT / "dev"


def test_no_file_refers_to_a_design_outside_the_repository():
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in _files()
            for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1) if OUTSIDE.search(line)]
    assert hits == []


def test_the_architecture_document_names_the_modules_it_describes():
    text = (ROOT / "docs" / "architecture.md").read_text()
    for module in re.findall(r"`((?:core|ui|commands)/[a-z_]+\.py)`", text):
        assert (ROOT / "wizard" / module).is_file(), module

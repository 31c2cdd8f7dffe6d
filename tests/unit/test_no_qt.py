"""wizard/core and the CLI never import Qt: checked in a fresh interpreter."""

import pkgutil
import subprocess
import sys

import wizard.core

QT_MODULES = ("PySide6", "shiboken6", "qasync")


def _core_modules() -> list[str]:
    return [f"wizard.core.{m.name}" for m in pkgutil.iter_modules(wizard.core.__path__)]


def test_core_and_cli_import_no_qt():
    modules = ["wizard.cli", *_core_modules()]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert len(modules) >= 2
    assert out == "", f"Qt imported by core/cli: {out}"


def test_version_prints_without_qt():
    code = (
        "import sys\nfrom wizard.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit as e:\n    assert e.code in (0, None)\n"
        f"assert not [m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}]\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"aws-connection-wizard {wizard.__version__}"


import wizard  # noqa: E402

"""The packaging tests build the frozen program and the Debian package once per test session (several minutes on two
cores), under the harness's private root, then check and run what was built.

For iterating on these tests only, AWSCW_PACKAGE_DIR may name the output directory of an earlier `./dev package`
(default packaging/out); the package is then reused instead of rebuilt. CI never sets it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 1800  # seconds: PyInstaller plus xz -9 of ~110 MB on two shared cores


def load_packaging_module(name: str):
    """packaging/<name>.py as a module (the folder is not a package: `packaging` is also a PyPI project)."""
    spec = importlib.util.spec_from_file_location(f"awscw_packaging_{name}", ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Built:
    deb: Path  # the .deb
    root: Path  # the .deb unpacked with dpkg -x (a scratch root)

    @property
    def program(self) -> Path:
        return self.root / "usr" / "bin" / "aws-connection-wizard"

    @property
    def bundle(self) -> Path:
        return self.root / "opt" / "aws-connection-wizard"


@pytest.fixture(scope="session")
def built_package() -> Built:
    build = load_packaging_module("build")
    reuse = os.environ.get("AWSCW_PACKAGE_DIR")
    if reuse:
        out_dir = Path(reuse).resolve()
    else:
        out_dir = Path(os.environ.get("AWSCW_TEST_ROOT") or tempfile.mkdtemp(prefix="awscw-package-")) / "package"
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--out", str(out_dir), "--no-checks"],
                       check=True, timeout=BUILD_TIMEOUT, stdout=subprocess.DEVNULL)
    debs = sorted(out_dir.glob("aws-connection-wizard_*.deb"))
    assert len(debs) == 1, f"expected one .deb in {out_dir}, found {debs}"
    root = out_dir / "extracted"
    subprocess.run(["rm", "-rf", str(root)], check=True)
    subprocess.run(["dpkg", "-x", str(debs[0]), str(root)], check=True)
    assert build.dist_dir(out_dir).is_dir()
    return Built(debs[0], root)

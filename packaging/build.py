"""Build the Linux artefacts: the frozen program (PyInstaller, one folder) and the Debian package.

    ./dev package                 # freeze, build the .deb, run lintian / desktop-file-validate / appstreamcli
    ./dev package --skip-freeze   # reuse packaging/out/dist (iterate on the .deb only)

Everything goes to packaging/out/ (ignored by git), or to --out DIR.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bundle_contents as bc  # noqa: E402
import deb  # noqa: E402

SPEC = HERE / "aws-connection-wizard.spec"


def freeze(out_dir: Path) -> Path:
    """Run PyInstaller; returns the one-folder program directory."""
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(out_dir / "dist"), "--workpath", str(out_dir / "build"), str(SPEC)],
        check=True, cwd=bc.ROOT,
    )
    return dist_dir(out_dir)


def dist_dir(out_dir: Path) -> Path:
    return out_dir / "dist" / bc.project()["name"]


def checks(deb_path: Path) -> dict[str, subprocess.CompletedProcess]:
    """The checks each tool of the platform applies; returns their results (for the tests and the report)."""
    root = deb_path.parent / "deb-root" / "usr" / "share"
    commands = {
        "lintian": ["lintian", "--no-cfg", "--display-info", str(deb_path)],
        "desktop-file-validate": ["desktop-file-validate", str(root / "applications" / f"{bc.APP_ID}.desktop")],
        "appstreamcli": ["appstreamcli", "validate", "--no-net", str(root / "metainfo" / f"{bc.APP_ID}.metainfo.xml")],
    }
    return {name: subprocess.run(cmd, capture_output=True, text=True) for name, cmd in commands.items()}


def lintian_tags(output: str, level: str) -> list[str]:
    """Lintian lines of one level ("E", "W", "I"), e.g. 'E: aws-connection-wizard: some-tag detail'."""
    return [line for line in output.splitlines() if line.startswith(f"{level}: ")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-freeze", action="store_true", help="reuse the frozen program from a previous run")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="output directory (default packaging/out)")
    parser.add_argument("--no-checks", action="store_true", help="skip lintian and the other checkers (the tests run them)")
    args = parser.parse_args(argv)
    out_dir = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    program = dist_dir(out_dir) if args.skip_freeze else freeze(out_dir)
    print(f"frozen program: {program} ({time.monotonic() - started:.0f} s)")
    deb_path = deb.build(program, out_dir)
    print(f"Debian package: {deb_path} ({deb_path.stat().st_size / 1e6:.1f} MB, "
          f"installed {deb.installed_size_kib(out_dir / 'deb-root') / 1024:.1f} MiB)")
    failed = False
    for name, result in ({} if args.no_checks else checks(deb_path)).items():
        errors = lintian_tags(result.stdout, "E") if name == "lintian" else []
        ok = result.returncode == 0 and not errors
        failed |= not ok
        print(f"{name}: {'ok' if ok else 'FAILED'}")
        for line in (result.stdout + result.stderr).strip().splitlines():
            print(f"    {line}")
    print(f"done in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

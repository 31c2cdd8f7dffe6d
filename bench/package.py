"""Package figures: .deb size, installed size, and time from start to first window, frozen program vs source run.

    .venv/bin/python bench/package.py [--out packaging/out] [--runs 5]

Uses the output of `./dev package` (builds it first when there is none). Both programs start on the same private X
server (Xvfb), with the same empty profile store, alternately, after one warm-up run each; the time is from process
start until a visible window titled "AWS Connection Wizard" exists (polled every 20 ms with xdotool). Targets: .deb
35 MB or less, frozen start within 1.3x of the source run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.packaging.xvfb import Xvfb  # noqa: E402

TITLE = "AWS Connection Wizard"
DEB_TARGET_MB = 35.0
STARTUP_TARGET_RATIO = 1.3


def ensure_package(out_dir: Path) -> Path:
    debs = sorted(out_dir.glob("aws-connection-wizard_*.deb"))
    if not debs:
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--out", str(out_dir), "--no-checks"],
                       check=True)
        debs = sorted(out_dir.glob("aws-connection-wizard_*.deb"))
    return debs[-1]


def extract(deb: Path, into: Path) -> Path:
    subprocess.run(["dpkg", "-x", str(deb), str(into)], check=True)
    return into / "usr" / "bin" / "aws-connection-wizard"


def time_to_window(display: Xvfb, cmd: list[str], env: dict[str, str]) -> float:
    log = tempfile.TemporaryFile(mode="w+")
    started = time.monotonic()
    process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        display.wait_for_window(TITLE, timeout=120, process=process)
        return time.monotonic() - started
    except (RuntimeError, TimeoutError) as exc:
        log.seek(0)
        raise RuntimeError(f"{cmd[0]}: {exc}; its output:\n{log.read()[-2000:]}") from None
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "packaging" / "out")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    deb = ensure_package(args.out.resolve())
    installed_kib = int(subprocess.run(["dpkg-deb", "--field", str(deb), "Installed-Size"], check=True,
                                       capture_output=True, text=True).stdout)
    deb_mb = deb.stat().st_size / 1e6
    print(f".deb: {deb.name}: {deb_mb:.1f} MB ({deb.stat().st_size / 2**20:.1f} MiB), target {DEB_TARGET_MB:g} MB: "
          f"{'met' if deb_mb <= DEB_TARGET_MB else 'NOT met'}")
    print(f"installed size: {installed_kib / 1024:.1f} MiB")
    with tempfile.TemporaryDirectory(prefix="awscw-bench-") as scratch:
        frozen = extract(deb, Path(scratch) / "root")
        home = Path(scratch) / "home"
        home.mkdir()
        commands = {"frozen": [str(frozen)], "source": [sys.executable, "-m", "wizard"]}
        times: dict[str, list[float]] = {name: [] for name in commands}
        with Xvfb() as display:
            env = display.env()
            env.update(HOME=str(home), AWS_CONNECTION_WIZARD_HOME=str(home / "wizard"), XDG_CONFIG_HOME=str(home),
                       XDG_DATA_HOME=str(home), AWS_EC2_METADATA_DISABLED="true")
            env["PYTHONPATH"] = str(ROOT)
            for name, cmd in commands.items():  # warm-up: page cache, Python bytecode cache, font cache
                time_to_window(display, cmd, env)
            for _ in range(args.runs):
                for name, cmd in commands.items():
                    times[name].append(time_to_window(display, cmd, env))
    for name, values in times.items():
        print(f"start to first window, {name}: median {statistics.median(values):.2f} s "
              f"(runs: {', '.join(f'{v:.2f}' for v in values)})")
    ratio = statistics.median(times["frozen"]) / statistics.median(times["source"])
    print(f"frozen / source: {ratio:.2f}x, target {STARTUP_TARGET_RATIO}x: "
          f"{'met' if ratio <= STARTUP_TARGET_RATIO else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast practice mode shows its window, against the normal start measured in the same run.

Launches `aws-connection-wizard` (offscreen Qt unless DISPLAY is set) with AWSCW_QUIT_AFTER_SHOW=1, which prints
"window-shown" once the main window is on screen and, in practice mode, "practice-ready" once the AWS and IMDS
emulators run (the panel is filled and New works). Times are wall-clock from launch, median of --runs runs each; a
fresh temporary profile store for every run. Target: practice window shown in under 3 s.

    .venv/bin/python bench/practice_startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_SECONDS = 3.0


def _program() -> list[str]:
    script = shutil.which("aws-connection-wizard", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "wizard"]


def launch(practice: bool) -> dict[str, float]:
    """Seconds from launch to each line the program prints ("window-shown", "practice-ready"), and to its exit."""
    home = tempfile.mkdtemp(prefix="awscw-bench-")
    env = dict(os.environ, AWSCW_QUIT_AFTER_SHOW="1", AWS_CONNECTION_WIZARD_HOME=home, AWS_EC2_METADATA_DISABLED="true")
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    times: dict[str, float] = {}
    start = time.perf_counter()
    child = subprocess.Popen(_program() + (["--practice"] if practice else []), env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    try:
        for line in child.stdout:
            times[line.strip()] = time.perf_counter() - start
        child.wait(timeout=300)
        times["exit"] = time.perf_counter() - start
    finally:
        if child.poll() is None:
            child.kill()
        shutil.rmtree(home, ignore_errors=True)
    if child.returncode != 0 or "window-shown" not in times:
        raise SystemExit(f"the program failed (exit {child.returncode}, printed {sorted(times)})")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    launch(False)  # warm the file cache (Python, Qt and moto modules) so neither side pays for it alone
    normal = [launch(False) for _ in range(args.runs)]
    practice = [launch(True) for _ in range(args.runs)]

    def median(runs, key):
        return statistics.median(r[key] for r in runs)

    base, shown = median(normal, "window-shown"), median(practice, "window-shown")
    ready = median(practice, "practice-ready")
    print(f"runs: {args.runs} each, median; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"normal start, window shown:       {base:6.2f} s   (baseline)")
    print(f"practice start, window shown:     {shown:6.2f} s   ratio {shown / base:4.2f} x baseline   "
          f"target < {TARGET_SECONDS:.0f} s: {'met' if shown < TARGET_SECONDS else 'NOT met'}")
    print(f"practice start, emulators ready:  {ready:6.2f} s   ratio {ready / base:4.2f} x baseline")
    print(f"practice quit (ready -> exited):  {median(practice, 'exit') - ready:6.2f} s")
    return 0 if shown < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())

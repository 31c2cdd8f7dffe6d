"""Every benchmark in one run, each figure against a baseline measured in the same run (medians of alternating runs).

    python -m bench.run [--runs 7] [--profiles 1000] [--skip-slow]        (or: ./dev bench [ARGS])

Runs inside a private world (bench/session.py: temporary HOME, private D-Bus session with an unlocked gnome-keyring,
offscreen Qt). Nothing leaves 127.0.0.1: the AWS endpoint is the local emulator (moto behind the trust gate, signing
enforced) and the silent endpoint is a loopback socket. Figures:

- start-up: process start to the first Expose of the program's first window (the manager on a profile file with one
  profile) vs a bare PySide6 QWizard with the same number of empty pages; and which heavy modules were loaded then;
- CLI test: `test NAME --json` (keychain, identity, probe) vs the AWS CLI's `aws sts get-caller-identity`, same
  endpoint; and the peak RSS of each (getrusage of a small launcher's children);
- `--version` vs `python -c pass`; `list --json` with N profiles vs `--version`: copying the kept listing, and the first
  listing after a change (the file read and checked);
- N profiles: import from an AWS credentials file (one file write, one keychain connection); the manager's rows on screen
  (show to the first paint with rows) and the secrets it read, vs a bare QTableView of N rows;
- GUI RSS after a full test vs a bare QWizard; silent endpoint (bench/timeout.py); event-loop stall
  (bench/gui_responsiveness.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.session import in_private_session, keyring_daemon_cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
RESULTS: list[tuple[str, str, str, str]] = []  # (what, figure, baseline, ratio)
# Runs a command as its child and reports the child's peak RSS. Needed because Linux counts the RSS a process had when
# it was forked into its children's ru_maxrss: forked from this (large) process, every child would seem as large.
PEAK_RSS = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "print('peak-rss-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(code)")


def record(what: str, figure: str, baseline: str = "", ratio: str = "") -> None:
    RESULTS.append((what, figure, baseline, ratio))
    print(f"  {what}: {figure}" + (f"  vs {baseline}" if baseline else "") + (f"  -> {ratio}" if ratio else ""),
          flush=True)


def run_timed(cmd: list[str], env: dict[str, str] | None = None, stdin: str | None = None,
              rss: bool = False) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in kB (with `rss`: through the PEAK_RSS launcher, so the time then includes its start;
    else 0) and stdout of one run."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.perf_counter()
        child = subprocess.Popen([PY, "-c", PEAK_RSS, *cmd] if rss else cmd, env=env, cwd=ROOT, stdin=subprocess.PIPE if stdin is not None else
                                 subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        if stdin is not None:
            child.stdin.write(stdin.encode())
            child.stdin.close()
        raw = child.stdout.read()  # bytes, as a pipe's reader gets them: decoding waits until the child is done
        child.wait()
        elapsed = time.perf_counter() - started
        child.stdout.close()
        out = raw.decode(errors="replace")
        errors.seek(0)
        err = errors.read()
    peak = next((int(line.split()[1]) for line in err.splitlines() if line.startswith("peak-rss-kb ")), 0)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:4])} failed ({child.returncode}): {err[-1500:]}")
    return elapsed, peak, out


def alternate(a, b, runs: int) -> tuple[list, list]:
    """Run the callables a and b alternately `runs` times each (after one warm-up each); their results."""
    a(), b()
    first, second = [], []
    for _ in range(runs):
        first.append(a())
        second.append(b())
    return first, second


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# -- start-up ------------------------------------------------------------------------------------------------------------
def _first_expose(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.time()
    _elapsed, _rss, out = run_timed(cmd, env)
    line = next(line for line in out.splitlines() if line.startswith("first-expose "))
    parts = line.split()
    return float(parts[1]) - started, parts[2] if len(parts) > 2 else ""


def startup(runs: int, work: Path) -> None:
    from wizard.core.connection import Connection
    from wizard.core.profiles import Profile, ProfileStore
    from wizard.ui.wizard import PageId

    home = work / "startup-home"
    ProfileStore(home).add(Profile.new("one", Connection(method="access-key", access_key_id="AKIAIOSFODNN7EXAMPLE")))
    env = dict(os.environ, AWS_CONNECTION_WIZARD_HOME=str(home), AWSCW_QUIT_AFTER_SHOW="1",
               AWSCW_REPORT_FIRST_EXPOSE="1", QT_QPA_PLATFORM="offscreen")
    pages = len(PageId)
    program, bare = alternate(lambda: _first_expose([PY, "-m", "wizard"], env),
                              lambda: _first_expose([PY, "-m", "bench.gui_probes", "bare-wizard", str(pages)], env),
                              runs)
    p, b = statistics.median(t for t, _ in program), statistics.median(t for t, _ in bare)
    loaded = sorted({m for _, mods in program for m in mods.split(",") if m and m != "-"})
    record("start-up to first window (manager)", ms(p), f"bare QWizard, {pages} pages: {ms(b)}", f"{p / b:.2f}x")
    record("  modules loaded at first paint (any run)", ", ".join(loaded) or "none of the watched ones")
    # the remaining import profile, for the note: what is imported before the first paint (importtime's lines up to the
    # "first-expose" line: stderr and stdout share one pipe, so their order is kept), grouped as the note explains it
    out = subprocess.run([PY, "-X", "importtime", "-m", "wizard"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    before = out.split("first-expose", 1)[0]
    groups: dict[str, int] = {}
    ours: list[tuple[int, str]] = []
    for line in before.splitlines():
        if line.startswith("import time:") and line.count("|") == 2 and "cumulative" not in line:
            own, _cumulative, name = line[len("import time:"):].split("|")
            name = name.strip()
            top = name.split(".")[0]
            group = top if top in ("PySide6", "shiboken6", "shibokensupport", "wizard") else "standard library & site"
            groups[group] = groups.get(group, 0) + int(own)
            if top == "wizard":
                ours.append((int(own), name))
    print("    imported before the first paint (own time, us): " +
          ", ".join(f"{g} {t / 1000:.0f} ms" for g, t in sorted(groups.items(), key=lambda kv: -kv[1])), flush=True)
    print("    the program's modules among them: " +
          ", ".join(f"{n} {t / 1000:.1f}" for t, n in sorted(ours, reverse=True)), flush=True)


# -- CLI ---------------------------------------------------------------------------------------------------------------
def version_and_list(runs: int, home: Path, count: int) -> None:
    env = dict(os.environ, AWS_CONNECTION_WIZARD_HOME=str(home))
    interpreter, version = alternate(lambda: run_timed([PY, "-c", "pass"], env)[0],
                                     lambda: run_timed([PY, "-m", "wizard", "--version"], env)[0], runs)
    i, v = statistics.median(interpreter), statistics.median(version)
    record("--version", ms(v), f"python -c pass: {ms(i)}", f"{v / i:.2f}x")
    from wizard.core.listing import NAME as KEPT

    def listing_after_a_change():  # the usual path: the profile file read and checked, the listing kept again
        (home / KEPT).unlink(missing_ok=True)
        return run_timed([PY, "-m", "wizard", "list", "--json"], env)[0]

    version, listing = alternate(lambda: run_timed([PY, "-m", "wizard", "--version"], env)[0],
                                 lambda: run_timed([PY, "-m", "wizard", "list", "--json"], env)[0], runs)
    v, li = statistics.median(version), statistics.median(listing)
    record(f"list --json, {count} profiles (kept listing)", ms(li), f"--version: {ms(v)}", f"{li / v:.2f}x")
    version, listing = alternate(lambda: run_timed([PY, "-m", "wizard", "--version"], env)[0],
                                 listing_after_a_change, runs)
    v, li = statistics.median(version), statistics.median(listing)
    record(f"list --json, {count} profiles, first after a change", ms(li), f"--version: {ms(v)}", f"{li / v:.2f}x")
    out = subprocess.run([PY, "-X", "importtime", "-m", "wizard", "list", "--json"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=60).stderr
    names = {line.split("|")[2].strip() for line in out.splitlines() if line.count("|") == 2}
    heavy = [m for m in ("boto3", "botocore", "keyring", "asyncio", "filelock") if m in names]
    record("  list --json imports of boto3/botocore/keyring/asyncio/filelock", ", ".join(heavy) or "none")


def cli_test(runs: int, work: Path) -> None:
    from wizard.practice.aws_emulator import AwsEmulator

    with AwsEmulator() as emulator:
        p = emulator.practice
        home, aws_dir = work / "cli-home", work / "aws"
        aws_dir.mkdir()
        (aws_dir / "credentials").write_text(  # the emulator's practice keys, in the private root only
            f"[bench]\naws_access_key_id = {p.access_key_id}\naws_secret_access_key = {p.secret_access_key}\n")
        (aws_dir / "config").write_text(f"[profile bench]\nregion = {p.region}\n")
        env = dict(os.environ, AWS_CONNECTION_WIZARD_HOME=str(home), AWS_CONFIG_FILE=str(aws_dir / "config"),
                   AWS_SHARED_CREDENTIALS_FILE=str(aws_dir / "credentials"), AWS_EC2_METADATA_DISABLED="true",
                   NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
        for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
            env.pop(name, None)
        add = [PY, "-m", "wizard", "add", "bench", "--method", "access-key", "--region", p.region, "--service", "s3",
               "--access-key-id", p.access_key_id, "--endpoint-url", emulator.url]
        run_timed(add, env, stdin=f"{p.secret_access_key}\n\n")
        aws_cli = str(Path(PY).with_name("aws"))
        ours, theirs = alternate(
            lambda: run_timed([PY, "-m", "wizard", "test", "bench", "--json"], env),
            lambda: run_timed([aws_cli, "sts", "get-caller-identity", "--profile", "bench", "--endpoint-url",
                               emulator.url], env), runs)
        result = json.loads(ours[-1][2])
        assert result.get("ok") or result.get("code") == "ok" or result.get("result") == "ok", result
        o, t = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in theirs)
        record("CLI test NAME --json", ms(o), f"aws sts get-caller-identity: {ms(t)}", f"{o / t:.2f}x")
        ours, theirs = alternate(
            lambda: run_timed([PY, "-m", "wizard", "test", "bench", "--json"], env, rss=True),
            lambda: run_timed([aws_cli, "sts", "get-caller-identity", "--profile", "bench", "--endpoint-url",
                               emulator.url], env, rss=True), 3)
        orss, trss = statistics.median(r[1] for r in ours) / 1024, statistics.median(r[1] for r in theirs) / 1024
        record("CLI test peak RSS", f"{orss:.0f} MB", f"AWS CLI: {trss:.0f} MB", f"{orss / trss:.2f}x")
        gui = [run_timed([PY, "-m", "bench.gui_probes", "test-rss", emulator.url], env,
                         stdin=f"{p.access_key_id}\n{p.secret_access_key}\n")[2].split() for _ in range(3)]
        bare = [float(run_timed([PY, "-m", "bench.gui_probes", "bare-rss"], env)[2].split()[1]) for _ in range(3)]
        rss = statistics.median(float(g[1]) for g in gui)
        record(f"GUI RSS after a full test ({gui[-1][2]})", f"{rss:.0f} MB", f"bare QWizard: {statistics.median(bare):.0f} MB",
               "target 150 MB")


# -- many profiles -------------------------------------------------------------------------------------------------------
def _made_up_secret(random) -> str:
    """40 characters of an AWS secret key's alphabet (token_urlsafe's '-' and '_' are refused by the field catalogue,
    which left most profiles of the import unimported)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"
    return "".join(random.choice(alphabet) for _ in range(40))


def many_profiles(runs: int, work: Path, count: int) -> Path:
    import secrets as random

    from wizard.core.awsconfig import import_profiles
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore

    home = work / "many-home"
    credentials = work / "many-credentials"
    credentials.write_text("".join(  # made-up secrets for the private keyring, thrown away with it
        f"[p{i:04d}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {_made_up_secret(random)}\n"
        for i in range(count)))
    started, daemon_before = time.perf_counter(), keyring_daemon_cpu_seconds()
    items = import_profiles(ProfileStore(home), SecretStore(), work / "no-config", credentials)
    took, daemon = time.perf_counter() - started, keyring_daemon_cpu_seconds() - daemon_before
    credentials.unlink()
    imported = sum(1 for i in items if i.status == "imported")
    record(f"import of {count} profiles", f"{took:.1f} s ({took / count * 1000:.1f} ms a profile, {imported} imported)",
           "target 10 s", f"gnome-keyring-daemon's own CPU: {daemon:.1f} s")
    env = dict(os.environ, AWS_CONNECTION_WIZARD_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    rows, _ = alternate(lambda: run_timed([PY, "-m", "bench.gui_probes", "manager-rows"], env)[2].split(),
                        lambda: None, runs)
    shown = statistics.median(float(r[1]) for r in rows)
    record(f"manager: {count} rows on screen after show", ms(shown), "target 300 ms",
           f"{max(int(r[3]) for r in rows)} secrets read")
    return home


def sub_benchmark(module: str, *args: str) -> None:
    print(f"\n== {module} {' '.join(args)}", flush=True)
    started = time.perf_counter()
    out = subprocess.run([PY, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)
    print(out.stdout.rstrip(), flush=True)
    if out.returncode != 0:
        print(out.stderr[-2000:], flush=True)
    key = [line for line in out.stdout.splitlines() if "ratio" in line or "worst" in line or "reported" in line]
    record(module, "; ".join(line.strip() for line in key[-2:]) or f"exit {out.returncode}",
           ratio=f"{time.perf_counter() - started:.0f} s to run")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="alternating runs per figure (median)")
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--skip-slow", action="store_true", help="leave out bench.timeout and bench.gui_responsiveness")
    parser.add_argument("--only", default="", help="comma-separated parts to run: startup, profiles, cli, test, slow "
                        "(default: all; cli needs profiles)")
    args = parser.parse_args(argv)
    rc = in_private_session("bench.run", argv)
    if rc is not None:
        return rc
    parts = set(filter(None, args.only.split(","))) or {"startup", "profiles", "cli", "test", "slow"}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        if "startup" in parts:
            print("== start-up", flush=True)
            startup(args.runs, work)
        if "profiles" in parts:
            print(f"== {args.profiles} profiles", flush=True)
            home = many_profiles(args.runs, work, args.profiles)
            if "cli" in parts:
                print("== command line", flush=True)
                version_and_list(args.runs, home, args.profiles)
        if "test" in parts:
            cli_test(args.runs, work)
    if not args.skip_slow and "slow" in parts:
        sub_benchmark("bench.timeout", "--cap", "5")
        sub_benchmark("bench.gui_responsiveness", "--runs", "3")
    print("\n| what | figure | baseline (same run) | ratio / note |\n|---|---|---|---|")
    for row in RESULTS:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

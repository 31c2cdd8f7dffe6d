"""A finished subcommand ends the process without the interpreter's teardown (wizard.cli._leave_now), and loses nothing:
its output, its exit code, atexit's functions (temporary folders, log handlers) and a non-daemon thread's work."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from wizard import __version__

PROGRAM = textwrap.dedent("""
    import atexit, sys, tempfile, threading, time

    class Teardown:  # freed only by the interpreter's teardown
        def __del__(self):
            print("torn down", flush=True)

    KEPT = Teardown()
    folder = tempfile.TemporaryDirectory(prefix="leave-now-")  # removed by weakref.finalize's atexit function
    print("folder", folder.name, flush=True)
    atexit.register(lambda: print("atexit ran", flush=True))
    if "--thread" in sys.argv:
        sys.argv.remove("--thread")
        def work():
            time.sleep(0.3)
            print("thread finished", flush=True)
        threading.Thread(target=work).start()
    from wizard.cli import main
    code = main()
    print("main returned", code, flush=True)
    raise SystemExit(code)
""")


def _run(*words: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROGRAM, *words], capture_output=True, text=True, timeout=60)


def test_a_finished_command_leaves_without_teardown_and_loses_nothing(tmp_path):
    run = _run("--version")
    lines = run.stdout.splitlines()
    assert run.returncode == 0, run.stderr
    assert f"aws-connection-wizard {__version__}" in lines
    assert "atexit ran" in lines
    folder = next(line.split(" ", 1)[1] for line in lines if line.startswith("folder "))
    assert not __import__("os").path.exists(folder)  # the temporary folder's clean-up ran
    assert "main returned 0" not in lines and "torn down" not in lines  # left at once: no teardown


def test_the_exit_code_of_a_failed_command_is_kept():
    run = _run("show", "no-such-profile-here")
    assert run.returncode != 0 and "main returned" not in run.stdout
    assert "atexit ran" in run.stdout.splitlines()


def test_a_running_non_daemon_thread_gets_the_usual_exit():
    run = _run("--version", "--thread")
    lines = run.stdout.splitlines()
    assert run.returncode == 0, run.stderr
    assert lines.index("main returned 0") < lines.index("thread finished")
    assert "torn down" in lines  # the interpreter's own exit, with its teardown


def test_called_with_a_list_main_returns():
    from wizard.cli import main

    assert main(["--version"]) == 0  # in-process callers (these tests, the launcher's checks) get the code back

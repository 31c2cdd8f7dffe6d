"""Is the GUI responsive while a connection test waits? The test page (offscreen Qt, qasync) against a silent endpoint.

Measured in this run, each with a 5 ms Qt timer recording the largest gap between its ticks (tests/support/loop_probe):
1. idle: the page shown, no test (the machine's own noise);
2. the page's test, as the program runs it (engine awaited through qasync; blocking calls in worker threads);
3. baseline: the test's first call (boto3 GetCallerIdentity, same time budget) made on the GUI thread, as a naive
   program would;
4. Cancel: time from the click to the steps showing "cancelled" with Test again enabled, and to the next loop turn.
Gaps are given wall clock and without the GUI thread's CPU run-queue wait (the load of other processes).

Run: .venv/bin/python -m bench.gui_responsiveness [--runs 3] [--read-timeout 1.0]
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

import qasync  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWizard, QWizardPage  # noqa: E402

from tests.support.loop_probe import LoopProbe  # noqa: E402
from tests.support.responders import SilentEndpoint  # noqa: E402
from wizard.core import aws  # noqa: E402
from wizard.core.connection import Connection, NetworkSettings, Secrets  # noqa: E402
from wizard.core.credentials import Credentials  # noqa: E402
from wizard.ui.test_page import TestPage  # noqa: E402
from wizard.ui.test_view import warm_up_in_background  # noqa: E402

KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example key; the endpoint is loopback and never answers
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's documented example secret, not a real one


async def _sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def measure(page: TestPage, runs: int) -> dict[str, list]:
    view = page.view
    results: dict[str, list] = {"idle": [], "page": [], "blocking": [], "cancel_shown": [], "cancel_free": []}
    while not warm_up_in_background().done():
        await _sleep(0.05)
    await _sleep(0.3)
    for _ in range(runs):
        probe = LoopProbe().start()
        report = await view.test_again()
        probe.stop()
        assert report is not None and report.code == "timeout", report
        results["page"].append(probe)
        duration = probe.ticks * 0.005

        probe = LoopProbe().start()
        await _sleep(max(duration, 1.0))
        probe.stop()
        results["idle"].append(probe)

        probe = LoopProbe().start()
        QTimer.singleShot(0, lambda: blocking_call(page.connection(), page.secrets()))
        await _sleep(0.05)
        ticks = probe.ticks  # the probe must tick after the blocked call, or its gap is never recorded
        while probe.ticks < ticks + 2:
            await _sleep(0.005)
        probe.stop()
        results["blocking"].append(probe)

        task = view.test_again()
        while view.steps.statuses().get("identity") != "running":
            await _sleep(0.01)
        await _sleep(0.2)
        freed: list[float] = []
        started = time.perf_counter()
        view.cancel_button.click()
        shown = time.perf_counter()
        QTimer.singleShot(0, lambda: freed.append(time.perf_counter()))
        while not freed:
            await _sleep(0.001)
        assert view.state == "cancelled" and view.test_again_button.isEnabled()
        results["cancel_shown"].append(shown - started)
        results["cancel_free"].append(freed[0] - started)
        await task
    return results


def blocking_call(conn: Connection, secrets: Secrets) -> None:
    """The baseline: the test's first call made with boto3 on the GUI thread, same time budget, as a naive program would."""
    from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

    credentials = Credentials(conn.access_key_id, secrets.secret_access_key)
    try:
        aws.make_client("sts", conn.region, credentials, conn.network).get_caller_identity()
    except (ReadTimeoutError, ConnectTimeoutError):  # what the silent endpoint always ends in; anything else is a bug
        pass


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read-timeout", type=float, default=1.0)
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from wizard.ui.collector import collect_on_gui_thread

    collect_on_gui_thread()  # as the program collects garbage (wizard.app): on this thread, from a timer
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with SilentEndpoint() as silent:
        conn = Connection(access_key_id=KEY_ID, region="us-east-1", network=NetworkSettings(
            endpoint_url=silent.url, connect_timeout=1.0, read_timeout=args.read_timeout))
        wizard = QWizard()
        page = TestPage(connection=lambda: conn, secrets=lambda: Secrets(SECRET))
        wizard.addPage(page)
        wizard.addPage(QWizardPage())
        wizard.show()
        page.view.cancel()  # the automatic run on entering the page; measured runs start from Test again
        with loop:
            results = loop.run_until_complete(measure(page, args.runs))
        wizard.close()

    print(f"Silent endpoint on 127.0.0.1, read timeout {args.read_timeout:g} s, {args.runs} runs; largest event-loop gap "
          "per run (wall clock / without CPU run-queue wait):")
    for label, key in (("idle, no test (noise)", "idle"), ("test page (qasync + workers)", "page"),
                       ("baseline: test on the GUI thread", "blocking")):
        probes = results[key]
        walls = ", ".join(_ms(p.max_gap).strip() for p in probes)
        owns = ", ".join(_ms(p.max_own_gap).strip() for p in probes)
        print(f"  {label:34s} wall [{walls}]  own [{owns}]")
    page_own = max(p.max_own_gap for p in results["page"])
    blocking_own = min(p.max_own_gap for p in results["blocking"])
    print(f"  worst test-page gap {_ms(page_own).strip()} vs best blocking-baseline gap {_ms(blocking_own).strip()}: "
          f"{blocking_own / page_own:.0f}x shorter; target: no gap over 16 ms")
    print(f"Cancel to steps shown cancelled (median of {args.runs}): {_ms(statistics.median(results['cancel_shown']))}; "
          f"to the next event-loop turn: {_ms(statistics.median(results['cancel_free']))} "
          f"(max {_ms(max(results['cancel_free'])).strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

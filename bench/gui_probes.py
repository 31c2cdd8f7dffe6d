"""Small GUI programs the benchmarks time in their own processes (offscreen Qt), each printing one result line.

    python -m bench.gui_probes bare-wizard PAGES   a bare PySide6 QWizard with PAGES empty pages; prints
                                                   "first-expose <epoch>" at its first Expose, then quits
    python -m bench.gui_probes manager-rows        the profile manager on AWS_CONNECTION_WIZARD_HOME; prints
                                                   "rows <seconds from show to the rows painted> <rows> <secret reads>"
    python -m bench.gui_probes test-rss URL        the test view running one full test (keys from stdin) against URL;
                                                   prints "rss <MB resident after the test> <result code>"
    python -m bench.gui_probes bare-rss            a bare QWizard shown; prints "rss <MB resident>"
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bare_wizard(pages: int) -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWizard, QWizardPage

    app = QApplication(sys.argv[:1])

    class FirstExpose(QObject):
        def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Expose:
                app.removeEventFilter(self)
                print(f"first-expose {time.time():.6f}", flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    probe = FirstExpose()
    app.installEventFilter(probe)
    wizard = QWizard()
    for _ in range(pages):
        wizard.addPage(QWizardPage())
    wizard.show()
    return app.exec()


def bare_rss() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWizard, QWizardPage

    app = QApplication(sys.argv[:1])
    wizard = QWizard()
    wizard.addPage(QWizardPage())
    wizard.show()
    QTimer.singleShot(300, app.quit)
    app.exec()
    print(f"rss {_rss_mb():.1f}", flush=True)
    return 0


def manager_rows() -> int:
    import asyncio

    import qasync
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from wizard.core.keychain import SecretStore
    from wizard.ui.manager import ProfileManagerWindow

    class CountingSecretStore(SecretStore):
        reads = 0

        def load(self, profile_id):
            type(self).reads += 1
            return super().load(profile_id)

    app = QApplication(sys.argv[:1])
    from wizard.ui.collector import collect_on_gui_thread

    collect_on_gui_thread()  # as the program does (wizard.app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = ProfileManagerWindow(secret_store=CountingSecretStore())
    painted: list[float] = []

    class RowsPainted(QObject):
        def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint and window.model.rowCount() and not painted:
                painted.append(time.perf_counter())
            return False

    probe = RowsPainted()
    window.table.viewport().installEventFilter(probe)
    started = time.perf_counter()
    window.show()

    async def wait() -> None:
        while not painted:
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.3)  # anything that would read a secret right after showing the rows

    with loop:
        loop.run_until_complete(wait())
    print(f"rows {painted[0] - started:.4f} {window.model.rowCount()} {CountingSecretStore.reads}", flush=True)
    window.close()
    return 0


def test_rss(url: str) -> int:
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication, QWizard, QWizardPage

    from wizard.core.connection import Connection, NetworkSettings, Secrets
    from wizard.ui.test_page import TestPage

    key_id, secret = sys.stdin.readline().strip(), sys.stdin.readline().strip()
    app = QApplication(sys.argv[:1])
    from wizard.ui.collector import collect_on_gui_thread

    collect_on_gui_thread()  # as the program does (wizard.app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    conn = Connection(method="access-key", access_key_id=key_id, region="us-east-1", service="s3",
                      network=NetworkSettings(endpoint_url=url))
    wizard = QWizard()
    page = TestPage(connection=lambda: conn, secrets=lambda: Secrets(secret))
    wizard.addPage(page)
    wizard.addPage(QWizardPage())
    wizard.show()
    page.view.cancel()

    async def run():
        return await page.view.test_again()

    with loop:
        report = loop.run_until_complete(run())
    print(f"rss {_rss_mb():.1f} {getattr(report, 'code', None) or ('ok' if report and report.ok else 'failed')}",
          flush=True)
    wizard.close()
    return 0


def main(argv: list[str]) -> int:
    what = argv[0]
    if what == "bare-wizard":
        return bare_wizard(int(argv[1]))
    if what == "bare-rss":
        return bare_rss()
    if what == "manager-rows":
        return manager_rows()
    if what == "test-rss":
        return test_rss(argv[1])
    raise SystemExit(f"unknown probe {what!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Following the profile file while the manager is open: other programs (the command line, another window) change it.

The store's directory is watched (the file itself is replaced on every write); several files change per write (lock,
backup, file), so `settled()` is called once, shortly after the changes stop. When it answers False (the window is
busy: a running action reloads when it ends), it is asked again a little later.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer

from wizard.ui.manager_work import off_thread

SETTLE_MS = 300


class StoreWatch:
    def __init__(self, parent: QObject, settled: Callable[[], bool]) -> None:
        self.settled = settled
        self._watcher = QFileSystemWatcher(parent)
        self._watcher.directoryChanged.connect(self._changed)
        self._settle = QTimer(parent, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._fire)

    async def start(self, home: Path) -> None:
        """Watch `home` (created if missing, off the GUI thread); without it, no live refresh: the store's own errors
        are reported when it is used."""
        try:
            await off_thread(home.mkdir, mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return
        self._watcher.addPath(str(home))

    def stop(self) -> None:
        self._settle.stop()

    def _changed(self, *_args) -> None:
        self._settle.start()

    def _fire(self) -> None:
        if not self.settled():
            self._settle.start()

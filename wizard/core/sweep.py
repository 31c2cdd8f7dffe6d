"""Finish what a hard stop (SIGKILL, power cut, logout) left half-done, at the next start.

Saving a new profile writes the keychain first, then the profile file; removing one writes the file first, then the
keychain. Either way a stop in between leaves keychain entries that no profile refers to, never a profile without its
secret. Before the keychain is touched, the operation drops a marker `<home>/pending/<profile-id>` holding its process
id, and takes it away when both writes are done. The sweep, run when the program starts:

- removes the profile file's stale temporary files (`.profiles.json.*.tmp`, left by a writer stopped mid-write; the
  kept listing's too);
- for each marker whose process is gone: if no profile in the file has that id, deletes the keychain entries under this
  program's service name for that id; then drops the marker.

Both happen under the profile file's lock, taken without waiting (a busy lock means another writer is at work: the
sweep leaves everything for the next start). Only ids this store marked are ever deleted: the keychain is shared with
other profile homes (`AWS_CONNECTION_WIZARD_HOME`, the practice store), whose entries are not orphans. With no marker
and no temporary file (the common case) the sweep costs one directory listing and never touches the keychain.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from wizard.core.store_home import MARKER_NAME, PENDING_DIR, unfinished_work
_WINDOWS_GRACE = 24 * 3600.0  # no cheap liveness check there: a marker is stale after a day


@dataclass
class SweepResult:
    temp_files: int = 0  # stale temporary files removed
    orphans: int = 0  # profile ids whose keychain entries were deleted
    markers: int = 0  # markers dropped (orphans included)
    skipped: str = ""  # why the sweep did nothing ("" when it ran or had nothing to do)


@contextlib.contextmanager
def pending(store, profile_id: str):
    """Mark `profile_id` as being written to the keychain by this process; the mark stays if the block fails or the
    process dies, so the next sweep finishes the job. The block gets a function that drops the mark at once (for a
    failure known to have left nothing behind)."""
    marker = None
    if MARKER_NAME.match(profile_id):
        directory = Path(store.home) / PENDING_DIR
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        marker = directory / profile_id
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, f"{os.getpid()}\n".encode())
        finally:
            os.close(fd)

    def settled() -> None:
        if marker is not None:
            marker.unlink(missing_ok=True)

    yield settled
    settled()


def _alive(marker: Path) -> bool:
    """True when the process that wrote the marker may still be at work."""
    try:
        pid = int(marker.read_text().strip() or "0")
    except (OSError, ValueError):
        return False
    if os.name != "posix":
        try:
            return time.time() - marker.stat().st_mtime < _WINDOWS_GRACE
        except OSError:
            return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep(store=None, secret_store=None) -> SweepResult:
    """Run the sweep on `store` (default: the profile store of this environment). Never raises."""
    from wizard.core.profiles import ProfileStore

    store = store if store is not None else ProfileStore()
    result = SweepResult()
    temps, markers = unfinished_work(str(store.home))
    pending_dir = Path(store.home) / PENDING_DIR
    if not temps and not markers:
        return result
    from filelock import Timeout  # only with something to sweep: the common start pays one directory listing

    try:
        store._lock.acquire(timeout=0)
    except Timeout:
        result.skipped = "another writer holds the profile file's lock"
        return result
    try:
        for name in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(Path(store.home) / name)
                result.temp_files += 1
        stale = [m for m in markers if not _alive(pending_dir / m)]
        if not stale:
            return result
        try:
            known = {p["id"] for p in store._read()["profiles"]}
        except Exception as exc:  # noqa: BLE001 - a damaged file: never guess which entries are orphans
            result.skipped = f"the profile file cannot be read ({type(exc).__name__})"
            return result
        for profile_id in stale:
            if profile_id not in known:
                if secret_store is None:
                    from wizard.core.keychain import SecretStore

                    secret_store = SecretStore()
                try:
                    secret_store.delete(profile_id)
                except Exception as exc:  # noqa: BLE001 - no keychain now: keep the marker for the next start
                    result.skipped = f"the keychain could not be used ({type(exc).__name__})"
                    return result
                result.orphans += 1
            with contextlib.suppress(FileNotFoundError):
                (pending_dir / profile_id).unlink()
            result.markers += 1
        return result
    except Exception as exc:  # noqa: BLE001 - a sweep must never stop the program from starting
        result.skipped = f"{type(exc).__name__}"
        import logging  # only when something went wrong: every command sweeps, few need logging

        logging.getLogger(__name__).debug("sweep stopped", exc_info=True)
        return result
    finally:
        store._lock.release()


def sweep_in_background(store=None) -> threading.Thread:
    """Run the sweep in a daemon thread (the GUI thread never waits on the keychain)."""
    thread = threading.Thread(target=sweep, args=(store,), name="aws-connection-wizard-sweep", daemon=True)
    thread.start()
    return thread

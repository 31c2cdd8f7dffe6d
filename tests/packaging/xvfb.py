"""A private X server (Xvfb) for the packaging tests and bench/package.py: start it on a free display, wait for a
window by title, take a screenshot, count its colours."""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path


class Xvfb:
    """Xvfb on the first free display (it picks one and tells us through -displayfd).

    -noreset: by default Xvfb resets itself each time its last client leaves; a program that connects during a
    reset is refused ("could not connect to display", Qt aborts). Polling for the window with xdotool connects and
    leaves every few milliseconds, so without it the program under test failed to start now and then."""

    def __init__(self, size: str = "1280x800x24"):
        self.size = size
        self.process: subprocess.Popen | None = None
        self.display = ""

    def start(self, timeout: float = 30.0) -> Xvfb:
        read_end, write_end = os.pipe()
        try:
            self.process = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", self.size, "-nolisten", "tcp", "-noreset"],
                pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            os.close(write_end)
            number = _read_line(read_end, timeout)
        finally:
            os.close(read_end)  # only after the whole line: Xvfb writes the newline apart, and dies of SIGPIPE
        if not number.isdigit():
            self.stop()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
            self.process = None

    def __enter__(self) -> Xvfb:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment for a program that should show its windows on this display (Qt's X11 plugin)."""
        env = dict(os.environ if base is None else base)
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def visible_windows(self, title: str) -> list[str]:
        result = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title],
                                env=self.env(), capture_output=True, text=True)
        return result.stdout.split()

    def wait_for_window(self, title: str, timeout: float, process: subprocess.Popen | None = None,
                        interval: float = 0.02) -> str:
        """The id of the first visible window whose title contains `title`; polls every `interval` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.visible_windows(title)
            if found:
                return found[0]
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the program exited with {process.returncode} before showing a window")
            time.sleep(interval)
        raise TimeoutError(f"no window titled {title!r} within {timeout} s")

    def screenshot(self, path: Path) -> Path:
        subprocess.run(["import", "-display", self.display, "-window", "root", str(path)], check=True,
                       env=self.env(), capture_output=True)
        return path


def _read_line(fd: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode().strip()


def distinct_colours(image: Path) -> int:
    """How many different colours an image has (ImageMagick's %k)."""
    out = subprocess.run(["identify", "-format", "%k", str(image)], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())

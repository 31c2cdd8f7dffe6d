"""Entry of the practice emulator's child process (`python -m wizard.practice.moto_child`): moto's server on 127.0.0.1,
its port on standard output, until standard input closes.

The child never outlives the program that started it, at any moment: before anything slow is imported it asks Linux to
kill it when its parent dies (prctl PR_SET_PDEATHSIG), then checks the parent is still the one that started it (it may
have died before the request). After the start, a closed standard input (the parent's end of the pipe goes with the
parent) also stops it. Other systems rely on the pipe alone.
"""

from __future__ import annotations

import os
import signal
import sys

PARENT_ENV = "AWSCW_EMULATOR_PARENT"  # the parent's process id, set by the parent
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Be killed when the parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the pipe still ends the child once it runs
            pass
    expected = os.environ.get(PARENT_ENV, "")
    if expected.isdigit() and os.getppid() != int(expected):
        os._exit(0)  # the parent died before the request above took effect


if __name__ == "__main__":
    die_with_parent()
    from wizard.practice.aws_emulator import _serve_moto

    _serve_moto()

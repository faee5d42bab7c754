"""Worker processes that never outlive their parent.

A pool's worker processes must end when the process that started them is killed with SIGKILL
(which runs no clean-up). On Linux the kernel does it: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``
kills the worker the moment its parent ends. Elsewhere a daemon thread polls the parent's pid
(every ``poll`` seconds).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, *, poll: float = 0.2) -> None:
    """Make this process end as soon as the process ``parent`` (its parent) ends.

    Call it first thing in a worker process, with the pid its parent had (``os.getppid()`` at
    start, or the pid the parent passed). If the parent is already gone, exits at once.
    """
    if sys.platform.startswith("linux") and _pdeathsig(signal.SIGKILL):
        if os.getppid() != parent:  # the parent ended before the signal was armed
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(parent, poll), daemon=True, name="die-with-parent").start()


def _pdeathsig(sig: int) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - no libc or no prctl
        return False


def _watch(parent: int, poll: float) -> None:
    while os.getppid() == parent:
        time.sleep(poll)
    os._exit(1)

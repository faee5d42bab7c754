"""Embedded job workers: ``summarize worker`` processes that gunicorn's master starts and restarts.

``service/gunicorn.conf.py`` starts a :class:`WorkerSupervisor` when the master is ready:
``SUMMARIZE_JOBS_WORKERS`` (default 1) worker processes beside the web workers, restarted when
one dies, stopped when the master exits, and exiting on their own when the master is killed. So
``make serve`` runs jobs with no other server; ``SUMMARIZE_JOBS_WORKERS=0`` leaves them to
``summarize worker`` processes started elsewhere.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time

log = logging.getLogger("service.jobs")

#: The command of one embedded worker (dies with its parent, the master).
WORKER_COMMAND = (sys.executable, "-m", "summarizers.cli.main", "worker", "--exit-with-parent")


class WorkerSupervisor:
    """Keeps ``count`` worker processes running until :meth:`stop`.

    Args:
        count: how many workers.
        command: the command of one worker.
        restart_delay: seconds between a worker's death and its restart.
    """

    def __init__(self, count: int, command: tuple[str, ...] = WORKER_COMMAND, restart_delay: float = 1.0) -> None:
        self.count = count
        self.command = command
        self.restart_delay = restart_delay
        self._procs: list[subprocess.Popen[bytes] | None] = [None] * count
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the workers and a thread that restarts them."""
        if self.count < 1:
            return
        self._thread = threading.Thread(target=self._loop, daemon=True, name="jobs-supervisor")
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            for slot, proc in enumerate(self._procs):
                if proc is not None and proc.poll() is None:
                    continue
                if proc is not None:
                    log.warning("job worker %d exited with status %s; restarting it", proc.pid, proc.returncode)
                try:
                    self._procs[slot] = subprocess.Popen(self.command)
                except OSError:
                    log.exception("could not start a job worker")
            self._stop.wait(self.restart_delay)

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the workers to finish their chunks and exit (SIGTERM); kill those that do not."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        procs = [p for p in self._procs if p is not None and p.poll() is None]
        for proc in procs:
            proc.terminate()
        deadline = time.monotonic() + timeout
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()

"""Embedded job workers: a supervisor process that gunicorn's master starts once, which keeps
``summarize worker`` processes running.

``service/gunicorn.conf.py`` starts the supervisor (``python -m summarizers_service.jobs_workers``) from the
master's ``when_ready`` hook, in the master's main thread, before any web worker is forked and
with ``close_fds`` (it inherits no listening socket and no pipe). Restarting a worker is then
the supervisor's job, in a process that never forks web workers: a job worker's ``Popen`` can no
longer block on a start-up pipe whose write end a concurrently forked gunicorn worker inherited
(the old supervisor thread in the master did, on about 3 boots of 5, and its workers were then
never replaced).

The supervisor:

- keeps ``SUMMARIZE_JOBS_WORKERS`` (default 1) workers running, restarting one within
  ``restart_delay`` seconds of its death, with one log line (JSON, on stderr) per restart;
- writes its state (its pid, the workers' pids, how many are alive, restarts so far, the time)
  to ``SUMMARIZE_JOBS_SUPERVISOR_STATUS`` every second; ``/readyz`` reads it and answers 503 when
  a worker is down or the file is stale (:func:`read_status`);
- dies with the master (``PR_SET_PDEATHSIG``), and its workers with it; on SIGTERM it stops them
  (SIGTERM, then SIGKILL after the grace time).

The same runs in the Redis mode (the workers then serve the Redis queue).
``SUMMARIZE_JOBS_WORKERS=0`` leaves jobs to ``summarize worker`` processes started elsewhere.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger("summarizers_service.jobs")

#: The command of one embedded worker (dies with its parent, the supervisor).
WORKER_COMMAND = (sys.executable, "-m", "summarizers.cli.main", "worker", "--exit-with-parent")
#: A status file older than this (seconds) means the supervisor is gone.
STALE_SECONDS = 10.0


class WorkerSupervisor:
    """Keeps ``count`` worker processes running until :meth:`stop`.

    Args:
        count: how many workers.
        command: the command of one worker.
        restart_delay: seconds between checks (a dead worker is restarted within this).
        status_path: a file to write the state to on every check (none: not written).
    """

    def __init__(self, count: int, command: tuple[str, ...] = WORKER_COMMAND, restart_delay: float = 1.0,
                 status_path: str | None = None) -> None:
        self.count = count
        self.command = command
        self.restart_delay = restart_delay
        self.status_path = status_path
        self.restarts = 0
        self._procs: list[subprocess.Popen[bytes] | None] = [None] * count
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the workers and a thread that restarts them (in a process that does not fork)."""
        if self.count < 1:
            return
        self._thread = threading.Thread(target=self.run, daemon=True, name="jobs-supervisor")
        self._thread.start()

    def run(self) -> None:
        """Check the workers every ``restart_delay`` seconds, restarting dead ones, until :meth:`stop`."""
        while not self._stop.is_set():
            self.check()
            self._stop.wait(self.restart_delay)

    def check(self) -> None:
        """Start every worker that is not running; write the status file."""
        for slot, proc in enumerate(self._procs):
            if proc is not None and proc.poll() is None:
                continue
            if proc is not None:
                self.restarts += 1
                log.warning("job worker %d exited with status %s; restarting it (restart %d)",
                            proc.pid, proc.returncode, self.restarts)
            try:
                self._procs[slot] = subprocess.Popen(self.command, close_fds=True, stdin=subprocess.DEVNULL)
            except OSError:
                log.exception("could not start a job worker")
        if self.status_path:
            self._write_status()

    def status(self) -> dict[str, Any]:
        """The supervisor's state: pid, workers wanted and alive, their pids, restarts, time."""
        pids = [p.pid for p in self._procs if p is not None and p.poll() is None]
        return {"pid": os.getpid(), "workers": self.count, "alive": len(pids), "pids": pids,
                "restarts": self.restarts, "updated": time.time()}

    def _write_status(self) -> None:
        path = Path(self.status_path)  # type: ignore[arg-type]
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self.status()), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("could not write the job supervisor's status to %s: %s", path, exc)

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the workers to finish their chunks and exit (SIGTERM); kill those that do not."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
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


def spawn_supervisor(count: int, status_path: str, grace: float,
                     env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes] | None:
    """Start the supervisor process (call it from gunicorn's master, in its main thread), with
    ``env`` as its environment and its workers' (``None``: this process's)."""
    if count < 1:
        return None
    command = [sys.executable, "-m", "summarizers_service.jobs_workers", "--workers", str(count),
               "--status", status_path, "--grace", str(grace), "--parent", str(os.getpid())]
    return subprocess.Popen(command, close_fds=True, stdin=subprocess.DEVNULL, env=env)


def read_status(path: str | None, *, now: float | None = None) -> dict[str, Any] | None:
    """The supervisor's status with ``ok`` (every worker alive, the file fresh), or ``None`` when
    there is no supervisor to report on (``path`` unset)."""
    if not path:
        return None
    try:
        status = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"ok": False, "reason": "the job worker supervisor has not reported"}
    age = (time.time() if now is None else now) - float(status.get("updated", 0))
    if age > STALE_SECONDS:
        return {**status, "ok": False, "reason": f"the job worker supervisor last reported {age:.0f} s ago"}
    if status.get("alive", 0) < status.get("workers", 0):
        return {**status, "ok": False, "reason": "a job worker is down (being restarted)"}
    return {**status, "ok": True}


def main(argv: list[str] | None = None) -> int:
    """The supervisor process: ``python -m summarizers_service.jobs_workers --workers N --status PATH``."""
    from summarizers.lifetime import die_with_parent

    parser = argparse.ArgumentParser(prog="python -m summarizers_service.jobs_workers")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--status", default=None)
    parser.add_argument("--grace", type=float, default=30.0)
    parser.add_argument("--parent", type=int, default=None)
    args = parser.parse_args(argv)
    die_with_parent(args.parent if args.parent is not None else os.getppid())
    from .logging import JsonFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    supervisor = WorkerSupervisor(args.workers, status_path=args.status)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    log.info("job worker supervisor %d started: %d worker(s)", os.getpid(), args.workers)
    while not stopping.is_set():
        supervisor.check()
        stopping.wait(supervisor.restart_delay)
    supervisor.stop(timeout=args.grace)
    if args.status:
        Path(args.status).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

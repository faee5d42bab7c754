"""Helpers of the jobs tests: gunicorn on a free loopback port, a redis-server, job polling."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 90


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The service's gunicorn configuration, by absolute path (servers run in a temporary folder).
GUNICORN_CONF = str(ROOT / "service" / "gunicorn.conf.py")


def clean_env(extra: Mapping[str, str], workdir: Path) -> dict[str, str]:
    """This environment without SUMMARIZE_*/PROMETHEUS_* settings, plus ``extra``; the jobs
    database is ``workdir/jobs.db`` (a test's temporary folder) unless ``extra`` names one, so that
    nothing a server or worker writes lands in the working tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZE_", "PROMETHEUS_"))}
    env.update({"HF_HUB_OFFLINE": "1", "SUMMARIZE_TORCH_THREADS": "1", "PYTHONPATH": str(ROOT),
                "SUMMARIZE_JOBS_DB": str(workdir / "jobs.db"), **extra})
    return env


def start_gunicorn(port: int, env: Mapping[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """gunicorn with the service's configuration in a session of its own (so it can be killed
    whole: master, web workers and job workers), run in ``log_path``'s (temporary) folder;
    returns once ``/readyz`` answers 200."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONF, "--bind",
             f"127.0.0.1:{port}", "summarizers_service.app:create_app()"],
            cwd=log_path.parent, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return process
        except (requests.ConnectionError, requests.Timeout):
            pass
        if time.monotonic() > deadline:
            kill_group(process)
            pytest.fail(f"gunicorn not ready within {STARTUP_SECONDS} s:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.2)


def kill_group(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to every process of ``process``'s session (gunicorn's master and children)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_job(base: str, job_id: str, *, timeout: float, headers: Mapping[str, str] | None = None,
                 until: Any = None) -> dict[str, Any]:
    """Poll ``GET /v1/jobs/{id}`` until ``until(job)`` (default: a final status) or fail after ``timeout``."""
    final = {"succeeded", "partially_succeeded", "failed", "cancelled"}
    until = until or (lambda job: job["status"] in final)
    deadline = time.monotonic() + timeout
    while True:
        job = requests.get(f"{base}/v1/jobs/{job_id}", headers=dict(headers or {}), timeout=10).json()
        if until(job):
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} not there within {timeout} s: {job}")
        time.sleep(0.2)


def all_results(base: str, job_id: str, limit: int = 37) -> list[dict[str, Any]]:
    """Every result of a job, by following ``next_cursor`` (an odd page size on purpose)."""
    out: list[dict[str, Any]] = []
    cursor = "0"
    while cursor is not None:
        page = requests.get(f"{base}/v1/jobs/{job_id}/results", params={"cursor": cursor, "limit": limit},
                            timeout=30).json()
        out.extend(page["results"])
        cursor = page["next_cursor"]
    return out


def bbc_records(count: int) -> list[dict[str, Any]]:
    """The first ``count`` BBC articles as ``{"id", "text", "title"}`` (fails under CI when absent)."""
    from conftest import BBC

    if not BBC.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{BBC} is missing (CI must have the shared data)")
        pytest.skip(f"{BBC} not present")
    rows = []
    with BBC.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            rows.append({"id": record["id"], "text": record["document"], "title": record["title"]})
            if len(rows) == count:
                break
    return rows


def redis_server_path() -> str:
    """The ``redis-server`` binary; fails under CI (which installs it) and skips elsewhere when absent."""
    path = shutil.which("redis-server")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    return path


class RedisServer:
    """A throwaway ``redis-server`` on a free loopback port (no persistence), stopped by :meth:`stop`."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [redis_server_path(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail("redis-server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_workers(count: int, env: Mapping[str, str], log_path: Path) -> list[subprocess.Popen[bytes]]:
    """``count`` ``summarize worker`` processes, each in a session of its own, run in
    ``log_path``'s (temporary) folder."""
    procs = []
    with log_path.open("ab") as log:
        for _ in range(count):
            procs.append(subprocess.Popen([sys.executable, "-m", "summarizers.cli.main", "worker"], cwd=log_path.parent,
                                          env=dict(env), stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True))
    return procs

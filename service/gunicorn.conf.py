"""Gunicorn settings for the summarization service (``make serve``, the Docker image).

- ``gthread`` workers (``service.worker``: gunicorn's own error answers in the JSON envelope):
  each worker is a process with its own models and threads; extractive summaries run in its
  child processes, killed at the time limit (``service/processes.py``, ``service/runner.py``).
- Workers: ``SUMMARIZE_WORKERS``, by default one per core up to 4 (each holds its own copy of
  the abstractive model, about 1 GiB for distilbart). ``SUMMARIZE_PROCESSES`` (default cores /
  workers) child processes each; ``SUMMARIZE_THREADS`` (default processes + queue + 4) threads.
- Torch threads: ``SUMMARIZE_TORCH_THREADS`` defaults to cores / workers, so workers do not
  oversubscribe the CPU.
- The app is imported in each worker *after* the fork (``preload_app = False``): models load
  once per worker, never in the master (torch is not fork-safe once used); ``/readyz`` tells
  when a worker's models are loaded.
- ``timeout`` (worker liveness) is above the longest request (``SUMMARIZE_BATCH_TIMEOUT``), and
  ``graceful_timeout`` (``SUMMARIZE_GRACEFUL_TIMEOUT``, default 30 s) lets running requests end
  on SIGTERM.
- Metrics of all workers are added up through ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary
  directory unless set; emptied at start, dead workers marked).
- Job workers: ``SUMMARIZE_JOBS_WORKERS`` (default 1) ``summarize worker`` processes, kept
  running by a supervisor process that the master starts once when ready (in its main thread,
  before forking web workers, inheriting no descriptor) and stops on exit; its status file
  (``SUMMARIZE_JOBS_SUPERVISOR_STATUS``) feeds ``/readyz`` (service/jobs_workers.py).
- Logs are JSON lines on stderr; the app writes one line per request (with its request id), so
  gunicorn's own access log is off.

The address comes from ``--bind`` (``make serve`` passes ``$(HOST):$(PORT)``), else from
``HOST`` (default 127.0.0.1) and ``PORT`` (default 8000).
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from typing import Any

_cores = os.cpu_count() or 1

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("SUMMARIZE_WORKERS", min(_cores, 4)))
# Summaries at once per worker (its child processes); the cores shared among the workers.
os.environ.setdefault("SUMMARIZE_PROCESSES", str(max(1, _cores // workers)))
# Threads take connections: enough for every running and queued summary plus the cheap routes,
# so a request beyond the bounded queue reaches the app and gets its 503 at once.
threads = int(
    os.environ.get(
        "SUMMARIZE_THREADS",
        int(os.environ["SUMMARIZE_PROCESSES"]) + int(os.environ.get("SUMMARIZE_QUEUE", 8)) + 4,
    )
)
worker_class = "service.worker.JsonErrorThreadWorker"
preload_app = False
timeout = int(float(os.environ.get("SUMMARIZE_BATCH_TIMEOUT", 300))) + 30
graceful_timeout = int(os.environ.get("SUMMARIZE_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# gunicorn's control socket (``gunicornc``) is one path per user: two servers would clash.
control_socket_disable = True
# Bounded request lines and headers (414 / 431 / 400 beyond, answered by gunicorn as JSON);
# bodies are bounded by the app (SUMMARIZE_MAX_BODY_BYTES).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

os.environ.setdefault("SUMMARIZE_TORCH_THREADS", str(max(1, _cores // workers)))

_own_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="summarize-metrics-")

accesslog = None
errorlog = "-"
loglevel = os.environ.get("SUMMARIZE_LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.logging.JsonFormatter"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    },
    "root": {"handlers": [], "level": "WARNING"},  # the app adds its JSON handler (service/logging.py)
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}


def on_starting(server: object) -> None:
    """Empty the metrics directory: samples of a previous run must not be added up."""
    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def post_worker_init(worker: Any) -> None:
    """Start the worker's summary processes now, not on its first request."""
    state = getattr(worker.wsgi, "extensions", {}).get("summarize")
    if state is not None and state.runner.pool is not None:
        state.runner.pool.prestart()


def child_exit(server: object, worker: Any) -> None:
    """Drop a dead worker's live gauges (in-flight requests, model load time)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


_job_workers: Any = None
_jobs_count = int(os.environ.get("SUMMARIZE_JOBS_WORKERS", 1))
_own_status_dir = None
if _jobs_count > 0 and not os.environ.get("SUMMARIZE_JOBS_SUPERVISOR_STATUS"):
    # Set before the fork, so every web worker's /readyz reads the supervisor's status.
    _own_status_dir = tempfile.mkdtemp(prefix="summarize-jobs-")
    os.environ["SUMMARIZE_JOBS_SUPERVISOR_STATUS"] = os.path.join(_own_status_dir, "supervisor.json")


def when_ready(server: object) -> None:
    """Start the job worker supervisor (``SUMMARIZE_JOBS_WORKERS`` workers, default 1).

    gunicorn calls this in the master's main thread before it forks the first web worker, and
    the supervisor is started with ``close_fds``: no web worker can inherit its start-up pipe.
    """
    global _job_workers
    from service.jobs_workers import spawn_supervisor

    _job_workers = spawn_supervisor(_jobs_count, os.environ.get("SUMMARIZE_JOBS_SUPERVISOR_STATUS", ""),
                                    graceful_timeout)


def on_exit(server: object) -> None:
    """Stop the job workers; remove the metrics directory this configuration created."""
    if _job_workers is not None and _job_workers.poll() is None:
        _job_workers.terminate()
        try:
            _job_workers.wait(timeout=graceful_timeout + 5)
        except Exception:
            _job_workers.kill()
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    if _own_status_dir:
        shutil.rmtree(_own_status_dir, ignore_errors=True)

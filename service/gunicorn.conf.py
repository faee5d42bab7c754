"""Gunicorn settings for the summarization service (``make serve``, the Docker image).

- ``gthread`` workers (``summarizers_service.worker``: gunicorn's own error answers in the JSON envelope):
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

Every ``SUMMARIZE_*`` value is read once, here in the master, by the readers of
:mod:`summarizers.config` (``summarizers_service.config.read_server`` and ``load_service_config``); a bad
value stops the start with one line naming the variable. This file writes nothing into
``os.environ``: each worker reads the same variables again when gunicorn calls
``create_app()`` (the same defaults: the processes and torch threads are the worker's share of
the cores however the service is started); the supervisor's status file is handed to each
worker's app in ``post_worker_init``; only prometheus_client's own ``PROMETHEUS_MULTIPROC_DIR``
(not ours, and read by that library alone) is passed to the workers, through gunicorn's
``raw_env`` setting.

The address comes from ``--bind`` (``make serve`` passes ``$(HOST):$(PORT)``), else from
``HOST`` (default 127.0.0.1) and ``PORT`` (default 8000).
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from typing import Any

from summarizers_service.config import ConfigError, load_service_config, read_server

_cores = os.cpu_count() or 1
try:
    _server = read_server(cores=_cores)
    _service = load_service_config(cores=_cores)
except ConfigError as _exc:  # one line, no traceback: gunicorn exits with status 1
    raise SystemExit(f"summarize: error: {_exc}") from None

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = _server.workers
# Threads take connections: enough for every running and queued summary plus the cheap routes,
# so a request beyond the bounded queue reaches the app and gets its 503 at once.
threads = _server.threads or _service.processes + _service.queue + 4
worker_class = "summarizers_service.worker.JsonErrorThreadWorker"
preload_app = False
timeout = int(_service.batch_timeout) + 30
graceful_timeout = _server.graceful_timeout
keepalive = 5
# gunicorn's control socket (``gunicornc``) is one path per user: two servers would clash.
control_socket_disable = True
# Bounded request lines and headers (414 / 431 / 400 beyond, answered by gunicorn as JSON);
# bodies are bounded by the app (SUMMARIZE_MAX_BODY_BYTES).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="summarize-metrics-")
_own_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
# prometheus_client reads its multiprocess directory from the environment only; gunicorn sets it.
raw_env = [f"PROMETHEUS_MULTIPROC_DIR={_metrics_dir}"] if _own_metrics_dir else []

accesslog = None
errorlog = "-"
loglevel = _service.log_level.lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "summarizers_service.logging.JsonFormatter"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    },
    "root": {"handlers": [], "level": "WARNING"},  # the app adds its JSON handler (service/logging.py)
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}

_job_workers: Any = None
_jobs_count = _service.jobs.workers
_own_status_dir = None
_status_path = _server.supervisor_status
if _jobs_count > 0 and not _status_path:
    _own_status_dir = tempfile.mkdtemp(prefix="summarize-jobs-")
    _status_path = os.path.join(_own_status_dir, "supervisor.json")


def on_starting(server: object) -> None:
    """Empty the metrics directory: samples of a previous run must not be added up."""
    for path in glob.glob(os.path.join(_metrics_dir, "*.db")):
        os.remove(path)


def post_worker_init(worker: Any) -> None:
    """Hand the app the supervisor's status file (for ``/readyz``) and start the worker's
    summary processes now, not on its first request."""
    from summarizers_service.ops import watch_job_workers

    app = worker.wsgi
    if _jobs_count > 0 and _status_path and hasattr(app, "extensions"):
        watch_job_workers(app, _status_path)
    state = getattr(app, "extensions", {}).get("summarize")
    if state is not None and state.runner.pool is not None:
        state.runner.pool.prestart()


def child_exit(server: object, worker: Any) -> None:
    """Drop a dead worker's live gauges (in-flight requests, model load time)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, _metrics_dir)


def when_ready(server: object) -> None:
    """Start the job worker supervisor (``SUMMARIZE_JOBS_WORKERS`` workers, default 1).

    gunicorn calls this in the master's main thread before it forks the first web worker, and
    the supervisor is started with ``close_fds``: no web worker can inherit its start-up pipe.
    The job workers get the web workers' share of the cores as their torch threads (unless
    ``SUMMARIZE_TORCH_THREADS`` is set), in the environment of their own process.
    """
    global _job_workers
    from summarizers_service.jobs_workers import spawn_supervisor

    env = dict(os.environ)  # a copy for the supervisor's process; this process's is left alone
    env["SUMMARIZE_TORCH_THREADS"] = str(_service.abstractive.torch_threads)
    _job_workers = spawn_supervisor(_jobs_count, _status_path or "", graceful_timeout, env=env)


def on_exit(server: object) -> None:
    """Stop the job workers; remove the metrics directory this configuration created."""
    if _job_workers is not None and _job_workers.poll() is None:
        _job_workers.terminate()
        try:
            _job_workers.wait(timeout=graceful_timeout + 5)
        except Exception:
            _job_workers.kill()
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
    if _own_status_dir:
        shutil.rmtree(_own_status_dir, ignore_errors=True)

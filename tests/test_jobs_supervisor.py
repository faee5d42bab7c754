"""The embedded job workers under real gunicorn: on every fresh boot a SIGKILLed job worker is
replaced within 15 s (one log line per restart), ``/readyz`` reports the job workers, and a job
submitted afterwards succeeds."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
import requests
from jobs_helpers import clean_env, free_port, kill_group, start_gunicorn, wait_for_job

pytestmark = pytest.mark.slow

BOOTS = 1  # python -m benchmarks.stress --attacks supervisor replays five boots
TEXT = ("The council approved the new budget on Monday. Spending on schools rises by four percent. "
        "Road repairs get a larger share than last year. The vote was close, seven to six.")


def _workers(base: str) -> dict:
    """``/readyz``'s report on the job workers (its 200 body, or the details of its 503)."""
    body = requests.get(f"{base}/readyz", timeout=10).json()
    return body["job_workers"] if "job_workers" in body else body["error"]["details"]["job_workers"]


def test_a_killed_job_worker_is_restarted_on_every_boot(tmp_path: Path) -> None:
    for boot in range(BOOTS):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = clean_env({"SUMMARIZE_WORKERS": "2", "SUMMARIZE_THREADS": "2", "SUMMARIZE_PRELOAD": "",
                         "SUMMARIZE_JOBS_DB": str(tmp_path / f"jobs-{boot}.db"), "SUMMARIZE_JOBS_WORKERS": "1"},
                        tmp_path)
        log = tmp_path / f"service-{boot}.log"
        server = start_gunicorn(port, env, log)
        try:
            first = _workers(base)
            assert first["ok"] and first["alive"] == 1, first
            os.kill(first["pids"][0], signal.SIGKILL)
            killed = time.monotonic()
            while True:
                status = _workers(base)
                if status["ok"] and status["pids"] and status["pids"][0] != first["pids"][0]:
                    break
                assert time.monotonic() - killed < 15, f"boot {boot}: no new job worker within 15 s: {status}"
                time.sleep(0.2)
            assert status["restarts"] == 1
            job = requests.post(f"{base}/v1/jobs", json={"method": "lead", "documents": [{"text": TEXT}]},
                                timeout=30).json()
            assert wait_for_job(base, job["id"], timeout=60)["status"] == "succeeded"
        finally:
            kill_group(server, signal.SIGTERM)
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        assert sum("restarting it" in line.get("message", "") for line in lines) == 1, log.read_text()[-3000:]

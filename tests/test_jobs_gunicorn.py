"""The jobs API for real: gunicorn on loopback with its job workers (embedded: one beside the web
worker on the SQLite file; distributed: two ``summarize worker`` processes on a real Redis),
SIGKILL of every process mid-job, a restart, and results equal to ``summarize batch``."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from jobs_helpers import (
    RedisServer,
    all_results,
    bbc_records,
    clean_env,
    free_port,
    kill_group,
    start_gunicorn,
    start_workers,
    wait_for_job,
)
from slow_helpers import slow_documents

pytestmark = pytest.mark.slow

DOCUMENTS = 300


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[Any, dict[str, Any]]]:
    """300 BBC articles and ``summarize batch``'s output for them (lexrank), by id."""
    rows = bbc_records(DOCUMENTS)
    folder = tmp_path_factory.mktemp("reference")
    src, out = folder / "in.jsonl", folder / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "summarizers.cli.main", "batch", str(src), "--out", str(out),
                           "--method", "lexrank", "--jobs", "1", "--progress", "off"],
                          cwd=folder, env=clean_env({}, folder), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return rows, {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


@pytest.fixture
def redis_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    if request.param != "redis":
        yield None
        return
    server = RedisServer(tmp_path)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.mark.parametrize("redis_url", ["sqlite", "redis"], indirect=True)
def test_sigkill_mid_job_then_restart_finishes_every_document_once(
    tmp_path: Path, articles: tuple[list[dict[str, Any]], dict[Any, dict[str, Any]]], redis_url: str | None,
) -> None:
    rows, expected = articles
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = {"SUMMARIZE_JOBS_LEASE": "2", "SUMMARIZE_JOBS_CHUNK": "8"}
    if redis_url:  # distributed: no embedded worker, two `summarize worker` processes
        settings.update({"SUMMARIZE_JOBS_REDIS_URL": redis_url, "SUMMARIZE_JOBS_WORKERS": "0"})
    else:  # embedded: one job worker started by gunicorn's master
        settings.update({"SUMMARIZE_JOBS_WORKERS": "1"})  # its database in tmp_path (clean_env)
    env = slow_documents(0.01, clean_env({"SUMMARIZE_WORKERS": "1", "SUMMARIZE_THREADS": "2",
                                          "SUMMARIZE_PRELOAD": "lexrank", **settings}, tmp_path))  # killed mid-way
    body = {"method": "lexrank", "documents": rows}
    key = {"Idempotency-Key": "newsletter-2026-11-28"}
    log = tmp_path / "service.log"

    def start() -> list[subprocess.Popen[bytes]]:
        return [start_gunicorn(port, env, log), *(start_workers(2, env, log) if redis_url else [])]

    processes = start()
    try:
        answer = requests.post(f"{base}/v1/jobs", json=body, headers=key, timeout=60)
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]
        assert answer.headers["Location"] == f"/v1/jobs/{job_id}"
        job = wait_for_job(base, job_id, timeout=180, until=lambda j: j["counts"]["done"] >= 24)
        assert job["status"] == "running" and job["counts"]["done"] < DOCUMENTS
    finally:
        for process in processes:  # SIGKILL: master, web worker and job workers at once
            kill_group(process)

    processes = start()
    try:
        again = requests.post(f"{base}/v1/jobs", json=body, headers=key, timeout=60)
        assert again.status_code == 202 and again.json()["id"] == job_id  # the same job, not a new one
        job = wait_for_job(base, job_id, timeout=300)
        assert job["status"] == "succeeded", job
        assert job["counts"] == {"total": DOCUMENTS, "done": DOCUMENTS, "failed": 0}
        results = all_results(base, job_id)
        streamed = requests.get(f"{base}/v1/jobs/{job_id}/results", headers={"Accept": "application/x-ndjson"},
                                timeout=60)
        assert streamed.headers["Content-Type"].startswith("application/x-ndjson")
    finally:
        for process in processes:
            kill_group(process, sig=signal.SIGTERM)
    assert [r["id"] for r in results] == [r["id"] for r in rows]  # every id once, in input order
    assert {r["id"]: r for r in results} == expected
    assert [json.loads(line) for line in streamed.text.splitlines()] == results

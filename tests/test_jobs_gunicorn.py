"""The jobs API for real: gunicorn on loopback, its embedded job worker, SIGKILL of the whole
service mid-job, a restart on the same database, and results equal to ``summarize batch``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from jobs_helpers import ROOT, all_results, bbc_records, clean_env, free_port, kill_group, start_gunicorn, wait_for_job

pytestmark = pytest.mark.slow

DOCUMENTS = 300


def test_sigkill_mid_job_then_restart_finishes_every_document_once(tmp_path: Path) -> None:
    rows = bbc_records(DOCUMENTS)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env({
        "SUMMARIZE_WORKERS": "1", "SUMMARIZE_THREADS": "2", "SUMMARIZE_PRELOAD": "lexrank",
        "SUMMARIZE_JOBS_DB": str(tmp_path / "jobs.db"), "SUMMARIZE_JOBS_WORKERS": "1",
        "SUMMARIZE_JOBS_LEASE": "2", "SUMMARIZE_JOBS_CHUNK": "8",
        "SUMMARIZE_BATCH_TEST_DELAY": "0.02",  # slow enough to be killed mid-way
    })
    body = {"method": "lexrank", "documents": rows}
    key = {"Idempotency-Key": "newsletter-2026-11-28"}
    log = tmp_path / "gunicorn.log"

    process = start_gunicorn(port, env, log)
    try:
        answer = requests.post(f"{base}/v1/jobs", json=body, headers=key, timeout=60)
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]
        assert answer.headers["Location"] == f"/v1/jobs/{job_id}"
        job = wait_for_job(base, job_id, timeout=120, until=lambda j: j["counts"]["done"] >= 24)
        assert job["status"] == "running" and job["counts"]["done"] < DOCUMENTS
    finally:
        kill_group(process)  # SIGKILL: master, web worker and job worker at once

    # The reference, while the service is down: the batch CLI on the same input.
    reference = tmp_path / "reference.jsonl"
    proc = subprocess.run([sys.executable, "-m", "summarizers.cli.main", "batch", str(src), "--out", str(reference),
                           "--method", "lexrank", "--jobs", "1", "--progress", "off"],
                          cwd=ROOT, env=clean_env({}), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr

    process = start_gunicorn(port, env, log)
    try:
        again = requests.post(f"{base}/v1/jobs", json=body, headers=key, timeout=60)
        assert again.status_code == 202 and again.json()["id"] == job_id  # the same job, not a new one
        job = wait_for_job(base, job_id, timeout=300)
        assert job["status"] == "succeeded", job
        assert job["counts"] == {"total": DOCUMENTS, "done": DOCUMENTS, "failed": 0}
        results = all_results(base, job_id)
        streamed = requests.get(f"{base}/v1/jobs/{job_id}/results", headers={"Accept": "application/x-ndjson"},
                                timeout=60)
    finally:
        kill_group(process, sig=15)
    ids = [r["id"] for r in results]
    assert ids == [r["id"] for r in rows]  # every id once, in input order
    expected = {r["id"]: r for r in map(json.loads, reference.read_text(encoding="utf-8").splitlines())}
    assert {r["id"]: r for r in results} == expected
    assert [json.loads(line) for line in streamed.text.splitlines()] == results

"""Jobs under hostile input and store faults, in process: per-document time and memory limits
(a killable child), cancel stopping work in flight, per-document size, per-key quotas (429 with
Retry-After), store faults as 503s in the one envelope with the worker waiting them out,
webhooks that follow no redirect and refuse bad ports, and the 413 quoting the jobs limit."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask
from hostile_helpers import HUNGRY, SLOW, hostile_registry

from summarizers import Registry
from summarizers.jobs import Jobs, JobsConfig, JobWorker
from summarizers.jobs.webhook import deliver
from summarizers.methods.lead import LeadMethod
from summarizers_service.app import create_app

TEXT = ("The council approved the new budget on Monday. Spending on schools rises by four percent. "
        "Road repairs get a larger share than last year. The vote was close, seven to six.")
def lead_registry() -> Registry:
    return Registry([LeadMethod()])


def test_a_document_past_its_limits_is_an_error_entry_and_the_worker_moves_on(tmp_path: Path) -> None:
    jobs = Jobs(JobsConfig(db=str(tmp_path / "jobs.db"), chunk=4, document_timeout=2, document_memory_mb=400))
    job_id = jobs.submit([{"text": TEXT + " " + SLOW}, {"text": TEXT + " " + HUNGRY}, {"text": TEXT}],
                         hostile_registry().prepare("lead"))
    started = time.monotonic()
    JobWorker(jobs, registry_factory=hostile_registry).run(until_idle=True)
    assert time.monotonic() - started < 30  # not the 600 s the document asks for
    job = jobs.get(job_id)
    assert job["status"] == "partially_succeeded" and job["done"] == 1 and job["failed"] == 2
    lines = list(jobs.stream(job))
    assert '"code":"timeout"' in lines[0].replace(" ", "")
    assert '"code":"input_too_large"' in lines[1].replace(" ", "")
    assert '"result"' in lines[2]


def test_cancel_stops_the_document_in_flight(tmp_path: Path) -> None:
    jobs = Jobs(JobsConfig(db=str(tmp_path / "jobs.db"), chunk=2, document_timeout=300))
    job_id = jobs.submit([{"text": TEXT + " " + SLOW}, {"text": TEXT}], hostile_registry().prepare("lead"))
    worker = JobWorker(jobs, registry_factory=hostile_registry)
    thread = threading.Thread(target=worker.run, kwargs={"until_idle": True})
    thread.start()
    deadline = time.monotonic() + 60
    while jobs.get(job_id)["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(1.0)
    cancelled = time.monotonic()
    jobs.cancel(job_id)
    thread.join(timeout=30)
    assert not thread.is_alive() and time.monotonic() - cancelled < 10  # not the 600 s sleep
    assert jobs.get(job_id)["status"] == "cancelled"
    child = worker.pool._all[0].child
    assert child is not None and child.killed >= 1


def test_the_lease_is_not_renewed_past_the_chunks_time_budget(tmp_path: Path) -> None:
    jobs = Jobs(JobsConfig(db=str(tmp_path / "jobs.db"), chunk=1, lease=3, document_timeout=0.5,
                           isolation="inline"))
    worker = JobWorker(jobs, registry_factory=lead_registry)
    from summarizers.jobs.worker import _InFlight

    worker._in_flight.add(_InFlight("job", 0, [0], None, worker.pool, renew_until=time.monotonic() - 1))
    renewed: list[Any] = []
    jobs.store.renew = lambda *args: renewed.append(args)  # type: ignore[method-assign]
    threading.Thread(target=worker._heartbeat, daemon=True).start()
    time.sleep(2.5)
    worker._stop.set()
    assert renewed == []


def make_app(tmp_path: Path, **jobs: Any) -> Flask:
    config = JobsConfig(db=str(tmp_path / "jobs.db"), chunk=2, isolation="inline", **jobs)
    return create_app({"preload": [], "log_level": "WARNING", "jobs": config, "api_keys": ["k1", "k2"]},
                      registry=lead_registry())


def post(app: Flask, key: str, documents: list[dict[str, Any]], **extra: Any) -> Any:
    return app.test_client().post("/v1/jobs", json={"method": "lead", "documents": documents, **extra},
                                  headers={"Authorization": f"Bearer {key}"})


def test_a_document_over_the_size_limit_is_an_error_entry(tmp_path: Path) -> None:
    app = make_app(tmp_path, max_document_bytes=1000)
    job = post(app, "k1", [{"text": TEXT + " x" * 1000}, {"text": TEXT}]).get_json()
    jobs = app.extensions["summarize_jobs"]["jobs"]
    JobWorker(jobs, registry_factory=lead_registry).run(until_idle=True)
    lines = list(jobs.stream(jobs.get(job["id"])))
    assert '"input_too_large"' in lines[0] and '"result"' in lines[1]


def test_quotas_per_key_answer_429_with_retry_after(tmp_path: Path) -> None:
    app = make_app(tmp_path, max_open_jobs=1, max_stored_bytes=len(TEXT) * 3)
    assert post(app, "k1", [{"text": TEXT}]).status_code == 202
    refused = post(app, "k1", [{"text": TEXT}])
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    error = refused.get_json()["error"]
    assert error["code"] == "quota_exceeded" and error["details"]["quota"] == "open_jobs"
    assert post(app, "k2", [{"text": TEXT}]).status_code == 202  # another key is not affected
    jobs = app.extensions["summarize_jobs"]["jobs"]
    JobWorker(jobs, registry_factory=lead_registry).run(until_idle=True)
    assert post(app, "k1", [{"text": TEXT}]).status_code == 202  # the first one ended
    JobWorker(jobs, registry_factory=lead_registry).run(until_idle=True)
    too_much = post(app, "k1", [{"text": TEXT}, {"text": TEXT}])
    assert too_much.status_code == 429 and too_much.get_json()["error"]["details"]["quota"] == "stored_bytes"
    assert int(too_much.headers["Retry-After"]) > 60  # until the key's first job expires


def test_the_jobs_413_quotes_the_jobs_limit(tmp_path: Path) -> None:
    app = make_app(tmp_path, max_body_bytes=2000)
    answer = post(app, "k1", [{"text": TEXT * 20}])
    assert answer.status_code == 413
    error = answer.get_json()["error"]
    assert error["details"] == {"limit": 2000, "unit": "bytes"} and "SUMMARIZE_JOBS_MAX_BODY_BYTES" in error["message"]


def _envelope_503(answer: Any, reason: str) -> None:
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.headers.get("Retry-After")
    body = answer.get_json()
    assert body == {"error": {"code": "store_unavailable", "message": body["error"]["message"],
                              "details": {"reason": reason}}}


def test_a_locked_store_is_a_503_and_readyz_says_so_then_it_resumes(tmp_path: Path) -> None:
    app = make_app(tmp_path, store_timeout=0.5)
    assert post(app, "k1", [{"text": TEXT}]).status_code == 202
    holder = sqlite3.connect(tmp_path / "jobs.db", isolation_level=None)
    holder.execute("begin exclusive")
    try:
        started = time.monotonic()
        _envelope_503(post(app, "k1", [{"text": TEXT}]), "locked")
        assert time.monotonic() - started < 5  # not the 30 s of a default busy timeout
        ready = app.test_client().get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["error"]["details"]["job_store"]["reason"] == "locked"
    finally:
        holder.execute("rollback")
        holder.close()
    assert post(app, "k1", [{"text": TEXT}]).status_code in (202, 429)
    assert app.test_client().get("/readyz").get_json()["job_store"] == {"ok": True}


def test_a_corrupt_store_is_a_503_in_the_same_envelope(tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    job = post(make_app(first), "k1", [{"text": TEXT}]).get_json()
    path = first / "jobs.db"
    with sqlite3.connect(path) as db:
        db.execute("pragma wal_checkpoint(truncate)")
        page = db.execute("pragma page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[page:] = b"\xa5" * (len(data) - page)  # every page but the schema's: garbage
    (tmp_path / "jobs.db").write_bytes(bytes(data))
    app = make_app(tmp_path)
    client = app.test_client()
    headers = {"Authorization": "Bearer k1"}
    for answer in (client.get(f"/v1/jobs/{job['id']}", headers=headers),
                   client.get(f"/v1/jobs/{job['id']}/results", headers=headers),
                   client.get(f"/v1/jobs/{job['id']}/results", headers={**headers, "Accept": "application/x-ndjson"}),
                   post(app, "k1", [{"text": TEXT}])):
        _envelope_503(answer, "corrupt")


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                            capture_output=True)
    return result.returncode == 0


def test_a_full_or_read_only_disk_is_a_503_and_the_worker_waits_it_out(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    if os.geteuid() != 0 or not _mount_tmpfs(mount, "2m"):
        if os.environ.get("CI"):
            pytest.fail("cannot mount a small tmpfs (the fault tests need root)")
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        app = make_app(mount, max_body_bytes=8 * 1024 * 1024, max_document_bytes=4 * 1024 * 1024,
                       max_stored_bytes=1 << 30)
        assert post(app, "k1", [{"text": TEXT}]).status_code == 202
        filler = mount / "filler"
        with filler.open("wb") as f:  # fill the disk
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        _envelope_503(post(app, "k1", [{"text": TEXT + " more" * 20000}]), "disk_full")
        jobs = app.extensions["summarize_jobs"]["jobs"]
        worker = JobWorker(jobs, registry_factory=lead_registry)
        thread = threading.Thread(target=worker.run, kwargs={"until_idle": True})
        thread.start()
        time.sleep(1.5)
        assert thread.is_alive() or worker.faults == 0  # faults are waited out, never the end of the worker
        filler.unlink()  # the fault clears: the worker resumes and finishes the job
        thread.join(timeout=30)
        assert not thread.is_alive()
        view = tmp_path / "read-only"  # the same files, through a read-only bind mount
        view.mkdir()
        subprocess.run(["mount", "--bind", str(mount), str(view)], check=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True)
        read_only = make_app(view)
        _envelope_503(post(read_only, "k1", [{"text": TEXT}]), "read_only")
        post(read_only, "k1", [{"text": TEXT}])
        ready = read_only.test_client().get("/readyz")
        assert ready.status_code == 503, ready.get_json()
    finally:
        subprocess.run(["umount", "-l", str(tmp_path / "read-only")], capture_output=True)
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


class _Redirecting(BaseHTTPRequestHandler):
    target = ""

    def do_POST(self) -> None:
        self.send_response(302)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class _Counting(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


def test_a_webhook_redirect_is_not_followed() -> None:
    metadata = HTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=metadata.serve_forever, daemon=True).start()
    _Redirecting.target = f"http://127.0.0.1:{metadata.server_address[1]}/latest/meta-data/"
    hook = HTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
    try:
        config = JobsConfig(webhook_allow=(url,), webhook_allow_private=True)
        assert deliver(url, {"x": 1}, config, attempts=2, backoff=0.01) is False
    finally:
        hook.shutdown()
        metadata.shutdown()
    assert _Counting.hits == []  # the other port saw no request


def test_a_webhook_with_a_bad_port_is_a_422(tmp_path: Path) -> None:
    app = make_app(tmp_path, webhook_allow=("http://hooks.example.com",))
    answer = post(app, "k1", [{"text": TEXT}], webhook="http://hooks.example.com:99999/done")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["details"]["field"] == "webhook"


def test_docs_have_a_csp_and_json_answers_nosniff(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "default-src 'none'" in docs.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in docs.headers["Content-Security-Policy"]
    assert docs.headers["X-Frame-Options"] == "DENY"
    for answer in (client.get("/healthz"), client.get("/v1/jobs/nope", headers={"Authorization": "Bearer k1"}),
                   client.get("/openapi.json")):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"

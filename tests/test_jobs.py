"""The jobs API and its store, in-process: the Flask test client, a job worker run until idle,
the store's exactly-once steps on both backends (SQLite; Redis when redis-server is installed)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jobs_helpers import RedisServer

from summarizers import Registry
from summarizers.errors import InvalidInput
from summarizers.jobs import Jobs, JobsConfig, JobWorker
from summarizers.jobs.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, check_url, deliver
from summarizers.methods.lead import LeadMethod
from summarizers_service.app import create_app
from summarizers_service.jobs_workers import WorkerSupervisor

TEXT = ("The council approved the new budget on Monday. Spending on schools rises by four percent. "
        "Road repairs get a larger share than last year. The vote was close, seven to six.")


def lead_registry() -> Registry:
    return Registry([LeadMethod()])


def make_app(tmp_path: Path, **jobs: Any) -> Flask:
    jobs.setdefault("isolation", "inline")  # the killable children are tested in test_jobs_limits.py
    config = JobsConfig(db=str(tmp_path / "jobs.db"), chunk=2, **jobs)
    return create_app({"preload": [], "log_level": "WARNING", "jobs": config}, registry=lead_registry())


def run_worker(app: Flask) -> None:
    JobWorker(app.extensions["summarize_jobs"]["jobs"], registry_factory=lead_registry).run(until_idle=True)


def submit(client: FlaskClient, documents: list[dict[str, Any]], **extra: Any) -> Any:
    headers = extra.pop("headers", {})
    return client.post("/v1/jobs", json={"method": "lead", "documents": documents, **extra}, headers=headers)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


def test_bad_documents_end_partially_succeeded_with_an_error_line_each(app: Flask) -> None:
    client = app.test_client()
    docs = [{"id": "a", "text": TEXT}, {"id": "b"}, {"id": "c", "text": TEXT, "html": "<p>x</p>"},
            {"id": "d", "text": ""}, {"text": TEXT, "length": {"sentences": 1}}]
    answer = submit(client, docs)
    assert answer.status_code == 202
    job_id = answer.get_json()["id"]
    assert answer.headers["Location"] == f"/v1/jobs/{job_id}"
    assert answer.get_json()["status"] == "queued"
    run_worker(app)
    job = client.get(f"/v1/jobs/{job_id}").get_json()
    assert job["status"] == "partially_succeeded"
    assert job["counts"] == {"total": 5, "done": 2, "failed": 3} and job["progress"] == 1.0
    page = client.get(f"/v1/jobs/{job_id}/results").get_json()
    assert [r["id"] for r in page["results"]] == ["a", "b", "c", "d", 4] and page["next_cursor"] is None
    assert [r.get("id_generated") for r in page["results"]] == [None] * 4 + [True]  # 4: its position
    errors = {r["id"]: r["error"]["code"] for r in page["results"] if "error" in r}
    assert set(errors) == {"b", "c", "d"} and all(code == "invalid_input" for code in errors.values())
    assert len(page["results"][4]["result"]["sentences"]) == 1  # the per-document length override


def test_all_bad_documents_fail_the_job(app: Flask) -> None:
    client = app.test_client()
    job_id = submit(client, [{"id": 1}, {"id": 2, "text": " "}]).get_json()["id"]
    run_worker(app)
    assert client.get(f"/v1/jobs/{job_id}").get_json()["status"] == "failed"


def test_pages_follow_the_cursor_in_input_order_and_ndjson_streams_all(app: Flask) -> None:
    client = app.test_client()
    job_id = submit(client, [{"id": f"n{i}", "text": TEXT} for i in range(7)]).get_json()["id"]
    run_worker(app)
    seen, cursor = [], "0"
    while cursor is not None:
        page = client.get(f"/v1/jobs/{job_id}/results?cursor={cursor}&limit=3").get_json()
        assert len(page["results"]) <= 3
        seen += page["results"]
        cursor = page["next_cursor"]
    assert [r["id"] for r in seen] == [f"n{i}" for i in range(7)]
    streamed = client.get(f"/v1/jobs/{job_id}/results", headers={"Accept": "application/x-ndjson"})
    assert streamed.content_type == "application/x-ndjson"
    assert [json.loads(line) for line in streamed.get_data(as_text=True).splitlines()] == seen
    assert client.get(f"/v1/jobs/{job_id}/results?limit=0").status_code == 422
    assert client.get(f"/v1/jobs/{job_id}/results?cursor=x").get_json()["error"]["details"]["field"] == "cursor"


def test_idempotency_key_returns_the_same_job_and_refuses_another_body(app: Flask) -> None:
    client = app.test_client()
    docs = [{"text": TEXT}]
    first = submit(client, docs, headers={"Idempotency-Key": "k-1"}).get_json()["id"]
    assert submit(client, docs, headers={"Idempotency-Key": "k-1"}).get_json()["id"] == first
    assert submit(client, docs, headers={"Idempotency-Key": "k-2"}).get_json()["id"] != first
    conflict = submit(client, [{"text": TEXT + " More."}], headers={"Idempotency-Key": "k-1"})
    assert conflict.status_code == 409 and conflict.get_json()["error"]["code"] == "idempotency_conflict"


def test_validation_uses_the_error_envelope(tmp_path: Path) -> None:
    client = make_app(tmp_path, max_documents=3).test_client()
    too_many = submit(client, [{"text": TEXT}] * 4)
    assert too_many.status_code == 422 and too_many.get_json()["error"]["details"]["field"] == "documents"
    assert submit(client, [{"text": TEXT}], method="nope").status_code == 422
    assert submit(client, [{"text": TEXT}], length={"sentences": 0}).status_code == 422
    assert submit(client, [{"text": TEXT}], webhook="https://example.com/h").status_code == 422  # not enabled
    assert client.post("/v1/jobs", data="x", content_type="text/plain").status_code == 415
    missing = client.get("/v1/jobs/0123")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_a_key_sees_only_its_own_jobs(tmp_path: Path) -> None:
    app = create_app({"preload": [], "log_level": "WARNING", "api_keys": ["alpha", "beta"],
                      "jobs": JobsConfig(db=str(tmp_path / "jobs.db"))}, registry=lead_registry())
    client = app.test_client()
    alpha, beta = {"Authorization": "Bearer alpha"}, {"Authorization": "Bearer beta"}
    assert submit(client, [{"text": TEXT}]).status_code == 401
    job_id = submit(client, [{"text": TEXT}], headers=alpha).get_json()["id"]
    assert client.get(f"/v1/jobs/{job_id}", headers=alpha).status_code == 200
    for path in (f"/v1/jobs/{job_id}", f"/v1/jobs/{job_id}/results"):
        assert client.get(path, headers=beta).status_code == 404
    assert client.delete(f"/v1/jobs/{job_id}", headers=beta).status_code == 404
    # the same idempotency key under another API key is another job
    one = submit(client, [{"text": TEXT}], headers={**alpha, "Idempotency-Key": "same"}).get_json()["id"]
    two = submit(client, [{"text": TEXT}], headers={**beta, "Idempotency-Key": "same"}).get_json()["id"]
    assert one != two


def test_cancel_keeps_what_is_done_and_stops_the_rest(app: Flask) -> None:
    client = app.test_client()
    job_id = submit(client, [{"id": i, "text": TEXT} for i in range(6)]).get_json()["id"]
    jobs = app.extensions["summarize_jobs"]["jobs"]
    worker = JobWorker(jobs, registry_factory=lead_registry)
    assert worker._start_next()  # one chunk (2 documents) started...
    worker._finish_oldest()  # ...and written
    cancelled = client.delete(f"/v1/jobs/{job_id}").get_json()
    assert cancelled["status"] == "cancelled" and cancelled["counts"]["done"] == 2
    worker.run(until_idle=True)  # the queued chunks are skipped
    page = client.get(f"/v1/jobs/{job_id}/results").get_json()
    assert [r["id"] for r in page["results"]] == [0, 1] and page["next_cursor"] is None
    assert client.get(f"/v1/jobs/{job_id}").get_json()["counts"] == {"total": 6, "done": 2, "failed": 0}


def test_expired_jobs_are_gone(tmp_path: Path) -> None:
    app = make_app(tmp_path, ttl=0.5)
    client = app.test_client()
    job_id = submit(client, [{"text": TEXT}]).get_json()["id"]
    run_worker(app)
    time.sleep(0.6)
    assert client.get(f"/v1/jobs/{job_id}").status_code == 404
    app.extensions["summarize_jobs"]["jobs"].sweep()
    assert app.extensions["summarize_jobs"]["jobs"].store.get(job_id) is None


def test_metrics_show_queue_depth_rate_and_durations(app: Flask) -> None:
    client = app.test_client()
    submit(client, [{"text": TEXT}] * 3)
    text = client.get("/metrics").get_data(as_text=True)
    assert "summarize_jobs_queue_depth 3.0" in text
    run_worker(app)
    text = client.get("/metrics").get_data(as_text=True)
    assert "summarize_jobs_queue_depth 0.0" in text
    assert f"summarize_jobs_documents_per_second {3 / 60}" in text
    assert 'summarize_job_duration_seconds_count 1.0' in text and 'summarize_jobs{status="succeeded"} 1.0' in text


def test_openapi_documents_the_jobs_routes(app: Flask) -> None:
    paths = app.test_client().get("/openapi.json").get_json()["paths"]
    assert set(paths["/v1/jobs/{job_id}"]) == {"get", "delete"}
    post = paths["/v1/jobs"]["post"]
    assert "202" in post["responses"] and "Location" in post["responses"]["202"]["headers"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert "application/x-ndjson" in paths["/v1/jobs/{job_id}/results"]["get"]["responses"]["200"]["content"]


# --- the store: exactly once, on both backends -------------------------------------------------


@pytest.fixture(params=["sqlite", "redis"])
def jobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Jobs]:
    if request.param == "sqlite":
        yield Jobs(JobsConfig(db=str(tmp_path / "jobs.db"), chunk=2, lease=1, isolation="inline"))
        return
    server = RedisServer(tmp_path)
    try:
        yield Jobs(JobsConfig(redis_url=server.url, chunk=2, lease=1, isolation="inline"))
    finally:
        server.stop()


def test_a_chunk_completed_twice_is_written_and_counted_once(jobs: Jobs) -> None:
    job_id = jobs.submit([{"id": i, "text": TEXT} for i in range(4)], lead_registry().prepare("lead"))
    t = time.time()
    assert jobs.store.claim(job_id, 0, "w1", t + 60, t)
    assert not jobs.store.claim(job_id, 0, "w2", t + 60, t)  # held by a live lease
    records = [(0, {"id": 0, "result": {"summary": "first"}}), (1, {"id": 1, "error": {"code": "x"}})]
    assert jobs.store.complete(job_id, 0, records, t) is None
    again = [(0, {"id": 0, "result": {"summary": "second"}}), (1, {"id": 1, "result": {"summary": "y"}})]
    assert jobs.store.complete(job_id, 0, again, t) is None  # already done: ignored
    assert not jobs.store.claim(job_id, 0, "w2", t + 60, t)
    job = jobs.get(job_id)
    assert (job["status"], job["done"], job["failed"]) == ("running", 1, 1)
    page = jobs.results(job, 0, 10)
    assert [json.loads(r) for r in page.records] == [r for _, r in records] and page.next_cursor == 2
    assert jobs.store.complete(job_id, 1, [(2, {"id": 2, "result": {}}), (3, {"id": 3, "result": {}})],
                               t) == "partially_succeeded"


def test_a_dead_workers_chunk_is_swept_back_and_finished_once(jobs: Jobs) -> None:
    job_id = jobs.submit([{"id": i, "text": TEXT} for i in range(4)], lead_registry().prepare("lead"))
    task = jobs.huey.dequeue()  # a worker takes chunk 0 ...
    t = time.time()
    assert jobs.store.claim(job_id, task.args[1], "dead", t + 0.3, t)  # ... and is killed: no heartbeat
    assert jobs.store.lost_chunks(time.time(), unclaimed=False) == []  # the lease still runs
    time.sleep(0.4)
    JobWorker(jobs, registry_factory=lead_registry).run(until_idle=True)
    job = jobs.get(job_id)
    assert (job["status"], job["done"], job["failed"]) == ("succeeded", 4, 0)
    assert [json.loads(r)["id"] for r in jobs.results(job, 0, 10).records] == [0, 1, 2, 3]


# --- the webhook ---------------------------------------------------------------------------------


def test_webhook_urls_must_be_allow_listed_and_public() -> None:
    config = JobsConfig(webhook_allow=("https://hooks.example.com/",))
    for url in ("https://evil.example.com/x", "ftp://hooks.example.com/x", "https://hooks.example.com.evil/x"):
        with pytest.raises(InvalidInput):
            check_url(url, config)
    loopback = JobsConfig(webhook_allow=("http://127.0.0.1:",))
    with pytest.raises(InvalidInput, match="loopback or private"):
        check_url("http://127.0.0.1:9/hook", loopback)
    check_url("http://127.0.0.1:9/hook", JobsConfig(webhook_allow=("http://127.0.0.1:",), webhook_allow_private=True))


class _Receiver(BaseHTTPRequestHandler):
    calls: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append((dict(self.headers), body))
        self.send_response(503 if len(type(self).calls) == 1 else 204)  # fail once: it must retry
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_webhook_is_signed_and_retried_until_accepted(tmp_path: Path) -> None:
    _Receiver.calls.clear()
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/done"
    try:
        app = make_app(tmp_path, webhook_allow=(url,), webhook_allow_private=True, webhook_secret="s3cret")
        client = app.test_client()
        assert submit(client, [{"text": TEXT}], webhook="http://127.0.0.1:1/other").status_code == 422
        job_id = submit(client, [{"text": TEXT}], webhook=url).get_json()["id"]
        run_worker(app)
        deadline = time.monotonic() + 10
        while len(_Receiver.calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.shutdown()
    assert len(_Receiver.calls) == 2
    headers, body = _Receiver.calls[-1]
    expected = hmac.new(b"s3cret", headers[TIMESTAMP_HEADER].encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "job.finished" and payload["job"]["id"] == job_id
    assert payload["job"]["status"] == "succeeded"


def test_a_webhook_whose_worker_died_is_sent_once_by_a_later_sweep(jobs: Jobs) -> None:
    _Receiver.calls.clear()
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/done"
    jobs.config = replace(jobs.config, webhook_allow=(url,), webhook_allow_private=True)
    try:
        job_id = jobs.submit([{"id": 0, "text": TEXT}], lead_registry().prepare("lead"), webhook=url)
        t = time.time()  # a worker finishes the job and dies before sending the webhook
        assert jobs.store.claim(job_id, 0, "dying", t + 60, t)
        assert jobs.store.complete(job_id, 0, [(0, {"id": 0, "result": {}})], t) == "succeeded"
        JobWorker(jobs, registry_factory=lead_registry).run(until_idle=True)  # its sweep sends it
        JobWorker(jobs, registry_factory=lead_registry).run(until_idle=True)  # and not twice
    finally:
        server.shutdown()
    assert len(_Receiver.calls) == 2  # the first answer was a 503: retried once
    assert json.loads(_Receiver.calls[-1][1])["job"]["id"] == job_id


def test_webhook_gives_up_on_a_client_error() -> None:
    config = JobsConfig(webhook_allow=("http://127.0.0.1:",), webhook_allow_private=True)
    assert deliver("http://127.0.0.1:1/nothing-listens", {"x": 1}, config, attempts=2, backoff=0.01) is False


def test_the_supervisor_restarts_a_dead_worker_and_stops_them_all() -> None:
    supervisor = WorkerSupervisor(2, command=(sys.executable, "-c", "import time; time.sleep(120)"),
                                  restart_delay=0.05)
    supervisor.start()
    try:
        deadline = time.monotonic() + 30
        while not all(p is not None and p.poll() is None for p in supervisor._procs):
            assert time.monotonic() < deadline, "workers not started"
            time.sleep(0.05)
        first = supervisor._procs[0]
        assert first is not None
        os.kill(first.pid, signal.SIGKILL)
        while supervisor._procs[0] is first or supervisor._procs[0] is None:
            assert time.monotonic() < deadline, "the dead worker was not restarted"
            time.sleep(0.05)
    finally:
        supervisor.stop(timeout=10)
    assert all(p is not None and p.poll() is not None for p in supervisor._procs)

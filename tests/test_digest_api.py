"""``POST /v1/digests`` in-process: a durable job on the jobs engine whose result is the
library's (and so the CLI's) digest; bad articles are error entries; idempotency, per-key
isolation and cancellation as for jobs."""

from __future__ import annotations

import json
import time
from pathlib import Path

from flask import Flask
from test_digest import _articles

from summarizers import Registry
from summarizers.digest import summarize_digest
from summarizers.jobs import JobsConfig, JobWorker
from summarizers.methods.lead import LeadMethod
from summarizers_service.app import create_app


def lead_registry() -> Registry:
    return Registry([LeadMethod()])


def make_app(tmp_path: Path, **config: object) -> Flask:
    return create_app({"preload": [], "log_level": "WARNING", "jobs": JobsConfig(db=str(tmp_path / "jobs.db")),
                       **config}, registry=lead_registry())


def test_digest_job_gives_the_library_digest(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    documents = [*_articles(), {"id": "bad"}]
    body = {"method": "lead", "length": {"sentences": 2}, "documents": documents}
    response = client.post("/v1/digests", json=body, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert response.headers["Location"].endswith(f"/v1/digests/{job['id']}")
    assert client.post("/v1/digests", json=body, headers={"Idempotency-Key": "k1"}).get_json()["id"] == job["id"]
    assert client.get(job["result_url"]).status_code == 409  # not yet computed
    assert client.post("/v1/digests", json={**body, "length": {"ratio": 0.5}}).status_code == 422
    JobWorker(app.extensions["summarize_jobs"]["jobs"], registry_factory=lead_registry).run(until_idle=True)
    status = client.get(f"/v1/digests/{job['id']}").get_json()
    assert status["status"] == "partially_succeeded" and status["progress"] == 1.0
    result = client.get(job["result_url"]).get_json()
    expected = json.loads(json.dumps(summarize_digest(_articles(), method="lead", length={"sentences": 2},
                                                      registry=lead_registry()).to_dict()))
    assert result["stories"] == expected["stories"]
    assert result["settings"] == expected["settings"]
    assert [e["id"] for e in result["errors"]] == ["bad"]
    assert result["errors"][0]["error"]["code"] == "invalid_input"
    page = client.get("/playground/digest")
    assert page.status_code == 200 and "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert b"<script type=\"module\" src=\"assets/digest.js\"></script>" in page.data
    spec = client.get("/openapi.json").get_json()
    assert {"/v1/digests", "/v1/digests/{job_id}", "/v1/digests/{job_id}/result"} <= set(spec["paths"])


def test_a_key_sees_only_its_own_digests(tmp_path: Path) -> None:
    app = make_app(tmp_path, api_keys=["alpha", "beta"])
    client = app.test_client()
    alpha, beta = {"Authorization": "Bearer alpha"}, {"Authorization": "Bearer beta"}
    body = {"method": "lead", "documents": _articles()}
    job_id = client.post("/v1/digests", json=body, headers=alpha).get_json()["id"]
    for path in (f"/v1/digests/{job_id}", f"/v1/digests/{job_id}/result"):
        assert client.get(path, headers=beta).status_code == 404
    assert client.delete(f"/v1/digests/{job_id}", headers=beta).status_code == 404
    cancelled = client.delete(f"/v1/digests/{job_id}", headers=alpha).get_json()
    assert cancelled["status"] == "cancelled"
    assert client.get(f"/v1/digests/{job_id}/result", headers=alpha).status_code == 409


def test_digests_answer_quotas_and_the_jobs_body_limit_as_jobs_do(tmp_path: Path) -> None:
    """A digest is a job like any other: it counts against the key's open-jobs quota (429 with
    Retry-After), its stored bytes are counted, and a body over the jobs limit is a 413 quoting it."""
    config = JobsConfig(db=str(tmp_path / "jobs.db"), max_open_jobs=1, max_body_bytes=20_000)
    app = create_app({"preload": [], "log_level": "WARNING", "jobs": config}, registry=lead_registry())
    client = app.test_client()
    body = {"method": "lead", "documents": _articles()[:2]}
    first = client.post("/v1/digests", json=body)
    assert first.status_code == 202, first.get_json()
    usage = app.extensions["summarize_jobs"]["jobs"].store.usage("", time.time())
    assert usage["open"] == 1 and usage["bytes"] == sum(len(d["text"].encode()) for d in body["documents"])
    over = client.post("/v1/digests", json=body)
    assert over.status_code == 429 and over.headers["Retry-After"]
    assert over.get_json()["error"]["code"] == "quota_exceeded"
    same_quota = client.post("/v1/jobs", json={"method": "lead", "documents": [{"text": "One. Two."}]})
    assert same_quota.status_code == 429
    large = client.post("/v1/digests", json={"documents": [{"text": "word " * 5_000}]})
    assert large.status_code == 413 and "SUMMARIZE_JOBS_MAX_BODY_BYTES" in large.get_json()["error"]["message"]

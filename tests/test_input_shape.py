"""One rule for the shape of a document (:class:`summarizers.Input`), whichever way it comes: a
record with both ``text`` and ``html`` gets the same error code from the library, ``summarize
batch``, ``POST /v1/summarize``, a job and a digest; and the prepared request's wire form."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from summarizers import Input, InvalidInput, Registry, default_registry, summarize, summarize_digest
from summarizers.batch import OutputFile, local_pool, read_items, run_batch
from summarizers.cli.main import main as cli_main
from summarizers.jobs import JobsConfig, JobWorker
from summarizers.methods.lead import LeadMethod
from summarizers.methods.newsrank import NewsRankMethod
from summarizers_service.app import create_app
from summarizers_service.tasks import GivenRegistry

TEXT = "The council met on Monday. It approved the budget. Schools get more money."
BOTH = {"id": "both", "text": TEXT, "html": f"<p>{TEXT}</p>"}
CODE = "invalid_input"


def test_input_accepts_exactly_one_body() -> None:
    assert Input(text=TEXT).kind == "text" and Input(url="https://example.com/a").body == "https://example.com/a"
    for kwargs in ({}, {"text": TEXT, "html": "<p>x</p>"}, {"text": TEXT, "url": "https://example.com/a"}):
        with pytest.raises(InvalidInput) as caught:
            Input(**kwargs)
        assert caught.value.code == CODE and caught.value.field == "text"
    with pytest.raises(InvalidInput, match="document 3: give exactly one of text, html or url, not text and html"):
        Input.from_mapping(BOTH, where="document 3", prefix="documents.3.")


def test_input_reads_the_descriptive_fields() -> None:
    given = Input.from_mapping({"id": 7, "html": "<p>x</p>", "title": 2026, "source": "  ", "published": "2026-03-02",
                                "language": "de"})
    assert (given.id, given.kind, given.title, given.source, given.language) == (7, "html", "2026", None, "de")
    assert given.published == Input.from_mapping({"text": "x", "published": "2026-03-02T00:00:00Z"}).published
    assert Input.from_wire(given.to_wire()) == given
    for bad in ({"text": "x", "title": ["a"]}, {"text": "x", "published": "last Monday"}, {"text": "x", "id": True}):
        with pytest.raises(InvalidInput):
            Input.from_mapping(bad)


def test_the_wire_form_carries_a_prepared_request_unchanged() -> None:
    registry = default_registry(plugins=False)
    request = registry.prepare("lexrank", {"words": 60}, "auto", {"order": "rank", "query": "the budget"})
    wire = request.to_wire()
    assert json.loads(json.dumps(wire)) == wire
    assert wire == {"method": "lexrank", "length": {"words": 60}, "language": "auto",
                    "options": {"order": "rank", "query": "the budget"}, "fallback": None}
    assert registry.from_wire(wire) == request
    edmundson = registry.prepare("edmundson", 2, "de", {"bonus_words": ["Rat"]})
    assert registry.from_wire(json.loads(json.dumps(edmundson.to_wire()))) == edmundson


def test_the_fallback_request_is_prepared_with_the_request() -> None:
    from summarizers.methods.base import Method

    class Writer(Method):
        name, kind, description = "writer", "abstractive", "writes"

        def summarize(self, document: Any, request: Any) -> Any:
            raise NotImplementedError

    registry = Registry([NewsRankMethod(), LeadMethod(), Writer()])
    request = registry.prepare("writer", 2, "english", {"faithfulness": "fallback", "order": "rank", "title": "T"})
    assert request.fallback is not None and request.fallback.method_name == "newsrank"
    assert dict(request.fallback.options) == {"order": "rank", "title": "T"}
    assert request.fallback.length == request.length and request.fallback.fallback is None
    assert registry.from_wire(json.loads(json.dumps(request.to_wire()))) == request


def test_methods_are_linked_when_the_registry_changes() -> None:
    from summarizers import Document, build_document
    from summarizers.methods.base import Method

    class User(Method):
        name, kind, description = "user", "abstractive", "uses an extractive scorer"
        scorer: Any = None

        def link(self, registry: Any) -> None:
            self.scorer = registry.scorer("lead")

        def summarize(self, document: Document, request: Any) -> Any:
            raise NotImplementedError

    user = User()
    registry = Registry([user])
    document = build_document("One sentence here. Another one follows. A third ends it.")
    with pytest.raises(Exception, match="not an extractive method"):
        user.scorer(document, None)
    registry.register(LeadMethod())  # linked again: the scorer now ranks with lead
    assert list(user.scorer(document, None)) == list(LeadMethod().score(document, registry.prepare("lead")))


def _library_code() -> str:
    with pytest.raises(InvalidInput) as caught:
        summarize(BOTH["text"], html=BOTH["html"], method="lead")
    return caught.value.code


def _batch_code(tmp_path: Path) -> str:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps(BOTH) + "\n" + json.dumps({"id": "ok", "text": TEXT}) + "\n")
    assert cli_main(["batch", str(source), "--out", str(out), "--method", "lead", "--progress", "off"]) == 1
    lines = {line["id"]: line for line in map(json.loads, out.read_text().splitlines())}
    assert "result" in lines["ok"]
    assert lines["both"]["error"]["message"] == "line 1: give exactly one of text, html or url, not text and html"
    return str(lines["both"]["error"]["code"])


def _library_batch_code(tmp_path: Path) -> str:
    pool = local_pool(default_registry(plugins=False).prepare("lead").to_wire(), 1)
    run_batch(read_items(io.BytesIO((json.dumps(BOTH) + "\n").encode()), "jsonl"), OutputFile(tmp_path / "o.jsonl"),
              pool)
    (line,) = map(json.loads, (tmp_path / "o.jsonl").read_text().splitlines())
    return str(line["error"]["code"])


def _service_codes(tmp_path: Path) -> tuple[str, str, str]:
    registry = Registry([LeadMethod()])
    config = JobsConfig(db=str(tmp_path / "jobs.db"), chunk=2, isolation="inline")
    app = create_app({"preload": [], "log_level": "WARNING", "jobs": config}, registry=registry)
    client = app.test_client()
    single = client.post("/v1/summarize", json={"method": "lead", "text": BOTH["text"], "html": BOTH["html"]})
    assert single.status_code == 422
    batch = client.post("/v1/summarize/batch", json={"method": "lead", "documents": [
        {"text": BOTH["text"], "html": BOTH["html"]}, {"text": TEXT}]})
    assert batch.status_code == 200 and batch.get_json()["results"][0]["status"] == 422
    job = client.post("/v1/jobs", json={"method": "lead", "documents": [
        {"text": BOTH["text"], "html": BOTH["html"]}, {"text": TEXT}]})
    assert job.status_code == 202
    assert "request" not in job.get_json()["settings"]  # the wire form is the workers', not the client's
    jobs = app.extensions["summarize_jobs"]["jobs"]
    JobWorker(jobs, registry_factory=GivenRegistry(registry)).run(until_idle=True, poll=0.01)
    results = client.get(job.headers["Location"] + "/results").get_json()["results"]
    assert "result" in results[1]
    return (single.get_json()["error"]["code"], batch.get_json()["results"][0]["error"]["code"],
            results[0]["error"]["code"])


def _digest_code() -> str:
    digest = summarize_digest([BOTH, {"id": "ok", "text": TEXT}], registry=default_registry(plugins=False))
    (error,) = digest.errors
    return str(error.error["code"])


def test_a_record_with_text_and_html_gets_the_same_error_everywhere(tmp_path: Path) -> None:
    single, http_batch, job = _service_codes(tmp_path)
    codes = {"library": _library_code(), "summarize batch": _batch_code(tmp_path),
             "batch engine": _library_batch_code(tmp_path), "POST /v1/summarize": single,
             "POST /v1/summarize/batch": http_batch, "job": job, "digest": _digest_code()}
    assert set(codes.values()) == {CODE}, codes


def test_a_job_stored_without_its_prepared_request_fails_its_documents_not_the_worker(tmp_path: Path) -> None:
    from summarizers.jobs import Jobs

    jobs = Jobs(JobsConfig(db=str(tmp_path / "jobs.db"), isolation="inline"))
    old = [{"i": 0, "id": "a", "id_given": True, "text": TEXT, "html": False}]  # an older version's layout
    job_id = jobs.create(old, {"method": "lead"}, [old], owner="", request_hash="")
    JobWorker(jobs, registry_factory=GivenRegistry(Registry([LeadMethod()]))).run(until_idle=True, poll=0.01)
    job = jobs.get(job_id)
    assert job is not None and job["status"] == "failed"
    (line,) = map(json.loads, jobs.results(job, 0, 10).records)
    assert line["id"] == "a" and "submit it again" in line["error"]["message"]

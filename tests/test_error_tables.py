"""The service's one status table and one envelope: every error class and code has its status,
and the same condition is the same error (code and detail keys) from every endpoint."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from service_helpers import ARTICLE, GatedAbstractive, error_of, make_app

from summarizers import Registry
from summarizers import errors as lib
from summarizers.engine.errors import EngineError, WorkerFailed
from summarizers.engine.ray import EngineUnavailable
from summarizers.jobs import JobsConfig
from summarizers_service.errors import STATUS_BY_CODE, ApiError, status_for

SERVICE = Path(__file__).resolve().parents[1] / "service"


def _instance(cls: type[lib.SummarizerError]) -> lib.SummarizerError:
    return cls.__new__(cls)  # status_for reads the class alone


#: Every error class of the library and its status.
STATUSES: list[tuple[type[lib.SummarizerError], int]] = [
    (lib.InvalidInput, 422), (lib.InputTooLarge, 422), (lib.UrlNotAllowed, 422), (lib.FetchFailed, 422),
    (lib.PayloadTooLarge, 413), (lib.InvalidLength, 422), (lib.InvalidOption, 422), (lib.UnknownMethod, 422),
    (lib.UnsupportedLanguage, 422), (lib.IdempotencyConflict, 409), (lib.QuotaExceeded, 429),
    (lib.MethodUnavailable, 503), (lib.ModelMissing, 503), (EngineUnavailable, 503),
    (lib.StoreUnavailable, 503), (lib.SummaryTimeout, 504), (lib.ModelError, 500), (EngineError, 500),
    (WorkerFailed, 500),
]


@pytest.mark.parametrize(("cls", "status"), STATUSES)
def test_every_library_error_has_its_status(cls: type[lib.SummarizerError], status: int) -> None:
    assert status_for(_instance(cls)) == status


def test_every_library_error_class_is_in_the_list_above() -> None:
    def subclasses(cls: type) -> set[type]:
        out = set()
        for sub in cls.__subclasses__():
            out |= {sub, *subclasses(sub)}
        return out

    listed = {cls for cls, _ in STATUSES}
    ours = {c for c in subclasses(lib.SummarizerError) if c.__module__.startswith("summarizers.")}
    assert ours <= listed, f"give these a status in service/errors.py and a row above: {ours - listed}"


def test_every_code_the_service_raises_is_in_the_table() -> None:
    raised = set()
    for path in SERVICE.rglob("*.py"):
        raised |= set(re.findall(r'ApiError\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert raised and raised <= set(STATUS_BY_CODE), raised - set(STATUS_BY_CODE)
    with pytest.raises(KeyError):
        ApiError("no_such_code", "a code without a status is a bug")


def _jobs_app(tmp_path: Path, registry: Registry, **settings: Any) -> Flask:
    config = JobsConfig(db=str(tmp_path / "jobs.db"), max_body_bytes=2000, isolation="inline")
    return make_app(registry, jobs=config, **settings)


def _chunked(client: Any, path: str, body: bytes) -> Any:
    return client.post(path, input_stream=io.BytesIO(body),
                       headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


def test_a_body_too_large_is_one_error_quoting_its_own_limit(tmp_path: Path, registry: Registry) -> None:
    client = _jobs_app(tmp_path, registry, max_body_bytes=1000).test_client()
    big = {"documents": [{"text": "word " * 1000}], "text": "word " * 1000}
    for path, limit, variable in [("/v1/summarize", 1000, "SUMMARIZE_MAX_BODY_BYTES"),
                                  ("/v1/jobs", 2000, "SUMMARIZE_JOBS_MAX_BODY_BYTES"),
                                  ("/v1/digests", 2000, "SUMMARIZE_JOBS_MAX_BODY_BYTES")]:
        sized = error_of(client.post(path, json=big), 413)
        chunked = error_of(_chunked(client, path, b'{"documents": []' + b" " * 3000 + b"}"), 413)
        for error in (sized, chunked):
            assert error["code"] == "payload_too_large", path
            assert error["details"] == {"limit": limit, "unit": "bytes"}, path
            assert variable in error["message"], (path, error["message"])


def test_an_abstractive_input_too_large_is_one_error_everywhere(tmp_path: Path, registry: Registry,
                                                                 gated: GatedAbstractive) -> None:
    gated.gate.set()
    client = _jobs_app(tmp_path, registry, abstractive_max_characters=500).test_client()
    single = error_of(client.post("/v1/summarize", json={"text": ARTICLE, "method": "gated"}), 422)
    batch = error_of(client.post("/v1/summarize/batch", json={"documents": [{"text": ARTICLE}],
                                                              "method": "gated"}), 422)
    job = error_of(client.post("/v1/jobs", json={"documents": [{"text": ARTICLE}], "method": "gated"}), 422)
    expected = {"limit": 500, "unit": "characters", "characters": len(ARTICLE)}
    assert single["details"] == {**expected, "field": "text"}
    assert batch["details"] == job["details"] == {**expected, "field": "documents.0.text"}
    assert {single["code"], batch["code"], job["code"]} == {"input_too_large"}
    assert not gated.started.is_set()
    hub = client.post("/hf/models/gated", json={"inputs": ARTICLE})
    assert hub.status_code == 400 and "SUMMARIZE_ABSTRACTIVE_MAX_CHARACTERS" in hub.get_json()["error"]


def test_an_unknown_job_and_an_unfinished_digest_have_their_codes(tmp_path: Path, registry: Registry) -> None:
    client = _jobs_app(tmp_path, registry).test_client()
    assert error_of(client.get("/v1/jobs/nope"), 404)["code"] == "not_found"
    submitted = client.post("/v1/digests", json={"documents": [{"text": ARTICLE}], "method": "lead"})
    assert submitted.status_code == 202, submitted.get_data(as_text=True)
    assert error_of(client.get(submitted.get_json()["result_url"]), 409)["code"] == "not_finished"


def test_the_azure_api_translates_quotas_and_store_faults(tmp_path: Path, registry: Registry) -> None:
    config = JobsConfig(db=str(tmp_path / "jobs.db"), max_open_jobs=1, isolation="inline")
    app = make_app(registry, jobs=config, api_keys=["k"])
    client = app.test_client()
    jobs = "/language/analyze-text/jobs?api-version=2023-04-01"
    body = {"analysisInput": {"documents": [{"id": "1", "text": ARTICLE, "language": "en"}]},
            "tasks": [{"kind": "ExtractiveSummarization", "taskName": "x", "parameters": {}}]}
    key = {"Ocp-Apim-Subscription-Key": "k"}
    assert client.post(jobs, json=body, headers=key).status_code == 202
    over = client.post(jobs, json=body, headers=key)  # the same quota as /v1/jobs, in Azure's envelope
    assert over.status_code == 429 and over.get_json()["error"]["code"] == "TooManyRequests"
    assert over.headers["Retry-After"] == "30"
    store = app.extensions["summarize_jobs"]["jobs"].store

    def broken(*_: Any, **__: Any) -> Any:
        raise lib.StoreUnavailable("disk_full", "the job store failed (disk_full): /secret/path")

    store.get = broken
    down = client.get(f"{jobs.split('?')[0]}/{'0' * 32}?api-version=2023-04-01", headers=key)
    assert down.status_code == 503 and down.get_json()["error"]["code"] == "ServiceUnavailable"
    assert "/secret" not in down.get_data(as_text=True) and down.headers["Retry-After"]
    v1 = client.get("/v1/jobs/abc", headers={"Authorization": "Bearer k"})
    assert error_of(v1, 503) == {"code": "store_unavailable", "details": {"reason": "disk_full"},
                                 "message": "the job store is unavailable (disk full); retry later"}

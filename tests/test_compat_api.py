"""The Azure AI Language and Hugging Face drop-in APIs in-process (Flask test client, the job worker
run in this process): request mapping, Azure's result shapes and error envelopes, per-key jobs,
paging, cancellation; the hub's request mapping and errors. The real clients over gunicorn are in
test_compat_clients.py."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from summarizers import Registry, default_registry
from summarizers.jobs import JobsConfig, JobWorker
from summarizers.methods.lead import LeadMethod
from summarizers_service.app import create_app
from summarizers_service.compat.azure_model import (
    Methods,
    parse_job,
    rank_scores,
    warnings_of,
)
from summarizers_service.compat.hf import HfError, parse_request
from summarizers_service.compat.indexes import slice_by

KEY, OTHER = "alpha-key", "beta-key"
AZ = {"Ocp-Apim-Subscription-Key": KEY}
JOBS = "/language/analyze-text/jobs?api-version=2023-04-01"
TEXT = ("Cafe\u0301 owners 🇫🇷 met on Monday 👍🏽 to plan the festival. The council approved the new budget. "
        "Spending on schools rises by four percent. Road repairs get a larger share than last year. "
        "The vote was close, seven to six.")
GERMAN = ("Der Stadtrat hat am Montag den neuen Haushalt beschlossen. Die Ausgaben für Schulen steigen um vier "
          "Prozent. Die Abstimmung war knapp.")


class BrokenMethod(LeadMethod):
    """An extractive method whose every summary fails (a bug, not the document's fault)."""

    name = "broken"

    def score(self, document: Any, request: Any) -> Sequence[float]:
        raise RuntimeError("scores went missing")


def registry() -> Registry:
    full = default_registry()
    return Registry([full.get("lead"), full.get("luhn"), BrokenMethod()])


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    config = JobsConfig(db=str(tmp_path / "jobs.db"), chunk=3)
    return create_app({"preload": [], "log_level": "WARNING", "api_keys": [KEY, OTHER], "isolation": "thread",
                       "jobs": config}, registry=registry())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def run_worker(app: Flask) -> None:
    JobWorker(app.extensions["summarize_jobs"]["jobs"], registry_factory=registry).run(until_idle=True)


def job_body(documents: list[dict[str, Any]], *tasks: dict[str, Any]) -> dict[str, Any]:
    return {"displayName": "newsroom", "analysisInput": {"documents": documents}, "tasks": list(tasks)}


def extractive(**parameters: Any) -> dict[str, Any]:
    return {"kind": "ExtractiveSummarization", "taskName": parameters.pop("name", "x"), "parameters": parameters}


def submit(client: FlaskClient, body: dict[str, Any], headers: dict[str, str] = AZ) -> str:
    answer = client.post(JOBS, json=body, headers=headers)
    assert answer.status_code == 202, answer.get_json()
    location = answer.headers["Operation-Location"]
    assert location.startswith("http://localhost/language/analyze-text/jobs/") and "api-version=2023-04-01" in location
    return location.removeprefix("http://localhost")


def test_extractive_job_in_azure_shape_with_offsets_in_each_index_type(app: Flask, client: FlaskClient) -> None:
    docs = [{"id": "fr", "text": TEXT, "language": "en"}, {"id": "de", "text": GERMAN, "language": "de"},
            {"id": "auto", "text": TEXT, "language": "auto"}, {"id": "xx", "text": TEXT, "language": "tlh"},
            {"id": "empty", "text": "  ", "language": "en"}]
    tasks = [extractive(name=kind, sentenceCount=2, sortBy=sort, stringIndexType=kind)
             for kind, sort in (("UnicodeCodePoint", "Offset"), ("Utf16CodeUnit", "Rank"), ("TextElements_v8", "Rank"))]
    url = submit(client, job_body(docs, *tasks))
    waiting = client.get(url, headers=AZ)
    assert waiting.get_json()["status"] == "notStarted" and waiting.headers["Retry-After"] == "1"
    run_worker(app)
    job = client.get(url + "&showStats=true", headers=AZ).get_json()
    assert job["status"] == "succeeded" and job["displayName"] == "newsroom" and job["errors"] == []
    assert job["tasks"] | {"items": None} == {"completed": 3, "failed": 0, "inProgress": 0, "total": 3, "items": None}
    assert job["statistics"] == {"documentsCount": 5, "validDocumentsCount": 3, "erroneousDocumentsCount": 2,
                                 "transactionsCount": 5}
    for item in job["tasks"]["items"]:
        kind = item["taskName"]
        assert item["kind"] == "ExtractiveSummarizationLROResults" and item["status"] == "succeeded"
        results = item["results"]
        assert results["modelVersion"] == "lead"
        assert [d["id"] for d in results["documents"]] == ["fr", "de", "auto"]
        errors = {e["id"]: e["error"] for e in results["errors"]}
        assert errors["xx"]["innererror"]["code"] == "UnsupportedLanguageCode"
        assert errors["empty"]["innererror"]["code"] == "InvalidDocument"
        for doc in results["documents"]:
            text = TEXT if doc["id"] != "de" else GERMAN
            assert len(doc["sentences"]) == 2 and doc["warnings"] == []
            assert doc["statistics"]["transactionsCount"] == 1
            for sentence in doc["sentences"]:
                assert 0 <= sentence["rankScore"] <= 1
                assert slice_by(text, sentence["offset"], sentence["length"], kind) == sentence["text"]
                assert sentence["text"] in text
            scores = [s["rankScore"] for s in doc["sentences"]]
            offsets = [s["offset"] for s in doc["sentences"]]
            assert offsets == sorted(offsets) if kind == "UnicodeCodePoint" else scores == sorted(scores, reverse=True)
        auto = next(d for d in results["documents"] if d["id"] == "auto")
        assert auto["detectedLanguage"]["iso6391Name"] == "en"
    second = {item["taskName"]: item["results"]["documents"][0]["sentences"] for item in job["tasks"]["items"]}
    # the sentence after the emoji starts at a different offset in each index type
    later = {kind: max(s["offset"] for s in sentences) for kind, sentences in second.items()}
    assert len(set(later.values())) == 3


def test_a_task_that_fails_makes_the_job_partially_completed(app: Flask, client: FlaskClient) -> None:
    docs = [{"id": "1", "text": TEXT}, {"id": "2", "text": GERMAN, "language": "de"},
            {"id": "3", "text": TEXT, "language": "tlh"}]  # a document's own error does not hide the failure
    url = submit(client, job_body(docs, extractive(name="good"), extractive(name="bad", modelVersion="broken")))
    run_worker(app)
    job = client.get(url, headers=AZ).get_json()
    assert job["status"] == "partiallyCompleted"
    assert job["tasks"]["completed"] == 1 and job["tasks"]["failed"] == 1
    good, bad = job["tasks"]["items"]
    assert good["status"] == "succeeded" and len(good["results"]["documents"]) == 2
    assert bad["status"] == "failed" and bad["results"]["documents"] == []
    assert [e["error"]["code"] for e in bad["results"]["errors"]] == ["InternalServerError"] * 2 + ["InvalidArgument"]
    assert "Traceback" not in str(job)
    assert job["errors"][0]["target"] == "#/tasks/items/1" and "'bad' failed" in job["errors"][0]["message"]
    only_bad = submit(client, job_body(docs[:1], extractive(name="bad", modelVersion="broken")))
    run_worker(app)
    assert client.get(only_bad, headers=AZ).get_json()["status"] == "failed"


def test_results_page_with_top_skip_and_next_link(app: Flask, client: FlaskClient) -> None:
    docs = [{"id": str(i), "text": TEXT, "language": "en"} for i in range(5)]
    url = submit(client, job_body(docs, extractive(sentenceCount=1)))
    run_worker(app)
    seen, page = [], client.get(url + "&top=2", headers=AZ).get_json()
    while True:
        seen += [d["id"] for d in page["tasks"]["items"][0]["results"]["documents"]]
        if "nextLink" not in page:
            break
        assert "%24skip=" in page["nextLink"] or "$skip=" in page["nextLink"]
        page = client.get(page["nextLink"].removeprefix("http://localhost"), headers=AZ).get_json()
    assert seen == [str(i) for i in range(5)]


def test_api_version_2024_11_01_is_served_and_kept_in_the_links(app: Flask, client: FlaskClient) -> None:
    docs = [{"id": str(i), "text": TEXT} for i in range(3)]
    answer = client.post("/language/analyze-text/jobs?api-version=2024-11-01",
                         json=job_body(docs, extractive(sentenceCount=1)), headers=AZ)
    assert answer.status_code == 202 and answer.headers["Operation-Location"].endswith("?api-version=2024-11-01")
    run_worker(app)
    page = client.get(answer.headers["Operation-Location"].removeprefix("http://localhost") + "&top=2",
                      headers=AZ).get_json()
    assert page["status"] == "succeeded" and "api-version=2024-11-01" in page["nextLink"]


def test_cancel_before_work_cancels_every_part(app: Flask, client: FlaskClient) -> None:
    docs = [{"id": "en", "text": TEXT, "language": "en"}, {"id": "de", "text": GERMAN, "language": "de"}]
    url = submit(client, job_body(docs, extractive()))
    job_path = url.split("?")[0]
    answer = client.post(job_path + ":cancel?api-version=2023-04-01", headers=AZ)
    assert answer.status_code == 202 and answer.headers["Operation-Location"].endswith(url)
    run_worker(app)
    job = client.get(url, headers=AZ).get_json()
    assert job["status"] == "cancelled"
    assert job["tasks"]["items"][0]["status"] == "cancelled"
    assert job["tasks"]["items"][0]["results"]["documents"] == []


def test_each_key_sees_only_its_jobs_and_the_same_owner_as_v1_jobs(app: Flask, client: FlaskClient) -> None:
    url = submit(client, job_body([{"id": "1", "text": TEXT}], extractive()))
    other = client.get(url, headers={"Ocp-Apim-Subscription-Key": OTHER})
    assert other.status_code == 404 and other.get_json()["error"]["code"] == "NotFound"
    internal = url.split("/jobs/")[1].split("?")[0].replace("-", "")
    assert client.get(f"/v1/jobs/{internal}", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    assert client.get(f"/v1/jobs/{internal}", headers={"Authorization": f"Bearer {OTHER}"}).status_code == 404
    bearer = client.get(url, headers={"Authorization": f"Bearer {KEY}"})
    assert bearer.status_code == 200


@pytest.mark.parametrize(("headers", "path"), [({}, JOBS), ({"Ocp-Apim-Subscription-Key": "nope"}, JOBS)])
def test_missing_or_wrong_key_is_azures_401(client: FlaskClient, headers: dict[str, str], path: str) -> None:
    answer = client.post(path, json=job_body([{"id": "1", "text": TEXT}], extractive()), headers=headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "401" and "subscription key" in answer.get_json()["error"]["message"]


def azure_error(client: FlaskClient, body: Any, path: str = JOBS) -> tuple[int, dict[str, Any]]:
    answer = client.post(path, json=body, headers=AZ)
    return answer.status_code, answer.get_json()["error"]


def test_errors_use_azures_envelope_and_codes(client: FlaskClient) -> None:
    doc = {"id": "1", "text": TEXT}
    status, error = azure_error(client, job_body([{"id": str(i), "text": "x"} for i in range(26)], extractive()))
    assert status == 400 and error["code"] == "InvalidRequest"
    assert error["innererror"]["code"] == "InvalidDocumentBatch" and "Max 25" in error["message"]
    status, error = azure_error(client, job_body([doc, doc], extractive()))
    assert status == 400 and error["innererror"]["code"] == "InvalidDocument"
    status, error = azure_error(client, job_body([{"id": "1", "text": "x" * 125_001}], extractive()))
    assert status == 400 and error["innererror"]["code"] == "InvalidDocumentBatch"
    status, error = azure_error(client, job_body([doc], {"kind": "SentimentAnalysis"}))
    assert status == 400 and error["code"] == "InvalidArgument" and "SentimentAnalysis" in error["message"]
    status, error = azure_error(client, job_body([doc], extractive(sortBy="Size")))
    assert status == 400 and error["innererror"]["code"] == "InvalidParameterValue"
    status, error = azure_error(client, job_body([doc], extractive(sentenceCount=21)))
    assert status == 400 and "sentenceCount" in error["message"]
    status, error = azure_error(client, job_body([doc], extractive(stringIndexType="Utf8")))
    assert status == 400 and "stringIndexType" in error["message"]
    status, error = azure_error(client, job_body([doc], extractive(modelVersion="2099-01-01")))
    assert status == 400 and error["innererror"]["code"] == "ModelVersionIncorrect" and "luhn" in error["message"]
    status, error = azure_error(client, job_body([doc], extractive(query="budget")))
    assert status == 400 and "query" in error["message"]
    status, error = azure_error(client, job_body([doc], {"kind": "AbstractiveSummarization", "parameters": {}}))
    assert status == 400 and "not available" in error["message"]  # this registry has no abstractive method
    status, error = azure_error(client, {"analysisInput": {"documents": []}, "tasks": [extractive()]})
    assert status == 400 and error["innererror"]["code"] == "MissingInputDocuments"
    old_version = "/language/analyze-text/jobs?api-version=2021-01-01"
    status, error = azure_error(client, job_body([doc], extractive()), old_version)
    assert status == 404 and error["code"] == "UnsupportedApiVersion"
    status, error = azure_error(client, job_body([doc], extractive()), "/language/analyze-text/jobs")
    assert status == 404 and "api-version" in error["message"]
    bad_json = client.post(JOBS, data="{", content_type="application/json", headers=AZ)
    assert bad_json.status_code == 400
    assert bad_json.get_json()["error"]["innererror"]["code"] == "InvalidRequestBodyFormat"
    unknown = client.get("/language/analyze-text/jobs/not-a-guid?api-version=2023-04-01", headers=AZ)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "NotFound"
    assert client.get("/language/analyze-text/jobs/8c2b8c1e-2c7e-4e4e-9d7a-0d6c4cb3d0a1?api-version=2023-04-01",
                      headers=AZ).status_code == 404


def test_model_version_names_another_method_and_is_reported() -> None:
    methods = Methods(frozenset({"lead", "luhn"}), "lead", ("tiny", "other"))
    job = parse_job(job_body([{"id": "1", "text": "x"}], extractive(modelVersion="luhn"),
                             {"kind": "AbstractiveSummarization", "taskName": "a",
                              "parameters": {"summaryLength": "short", "modelVersion": "other"}}),
                    methods, max_documents=25, max_characters=1000)
    ext, abst = job.tasks
    assert (ext.method, ext.length, ext.model_version, ext.index_type) == ("luhn", {"sentences": 3}, "luhn",
                                                                           "TextElements_v8")
    assert (abst.method, abst.length, abst.options, abst.model_version) == (
        "abstractive", {"words": 40}, {"model": "other"}, "other")
    assert job.documents[0].language == "en"  # Azure's default


def test_rank_scores_stay_in_zero_one() -> None:
    assert rank_scores([0.5, 0.25]) == [0.5, 0.25]
    assert rank_scores([12.0, 3.0, -1.0]) == [1.0, 0.25, 0.0]
    assert rank_scores([]) == []


def test_truncation_warnings_become_document_truncated() -> None:
    found = warnings_of({"warnings": ["the input has 2000 tokens, over the model's 1024: extracted", "other"]})
    assert [w["code"] for w in found] == ["DocumentTruncated", "Warning"]


# --- Hugging Face -------------------------------------------------------------------------------


def test_hub_parameters_map_to_library_options() -> None:
    new = parse_request({"inputs": "t", "parameters": {"truncation": "do_not_truncate",
                                                       "generate_parameters": {"max_length": 60, "num_beams": 2}}},
                        "abstractive", "abstractive", {}, max_inputs=4)
    assert new.options == {"long_input": "chunk", "max_new_tokens": 60, "num_beams": 2} and new.length is None
    old = parse_request({"inputs": ["a", "b"], "parameters": {"max_length": 130, "min_length": 30,
                                                              "do_sample": False}},
                        "abstractive", "abstractive", {"model": "m"}, max_inputs=4)
    assert old.inputs == ["a", "b"] and old.options == {"model": "m", "max_new_tokens": 130, "min_new_tokens": 30}
    ext = parse_request({"inputs": "t", "parameters": {"generate_parameters": {"max_length": 50},
                                                       "truncation": "only_first"}},
                        "lexrank", "extractive", {}, max_inputs=4)
    assert ext.length == {"words": 50} and ext.options == {}


@pytest.mark.parametrize(("body", "message"), [
    ({"inputs": "t", "parameters": {"generate_parameters": {"temperature": 0.7}}}, "temperature"),
    ({"inputs": "t", "parameters": {"do_sample": True}}, "do_sample"),
    ({"inputs": "t", "parameters": {"truncation": "sideways"}}, "truncation"),
    ({"inputs": []}, "non-empty"),
    ({"inputs": ["a"] * 5}, "at most 4"),
    ({"text": "t"}, "inputs"),
    ({"inputs": "t", "extra": 1}, "extra"),
])
def test_hub_bad_requests_are_clear_400s(body: dict[str, Any], message: str) -> None:
    with pytest.raises(HfError, match=message) as caught:
        parse_request(body, "abstractive", "abstractive", {}, max_inputs=4)
    assert caught.value.status == 400


def test_hub_endpoint_summarizes_and_answers_errors_in_the_hubs_shape(client: FlaskClient) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    one = client.post("/hf/models/lead", json={"inputs": TEXT}, headers=auth)
    assert one.status_code == 200 and one.get_json() == [{"summary_text": one.get_json()[0]["summary_text"]}]
    assert one.get_json()[0]["summary_text"].startswith("Cafe\u0301 owners")
    many = client.post("/hf/models/luhn", json={"inputs": [TEXT, GERMAN], "parameters": {"max_length": 12}},
                       headers=auth)
    assert many.status_code == 200 and len(many.get_json()) == 2
    assert all(len(s["summary_text"].split()) <= 25 for s in many.get_json())
    wrong = client.post("/hf/models/lead", json={"inputs": TEXT}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "error" in wrong.get_json()
    missing = client.post("/hf/models/facebook/bart-large-cnn", json={"inputs": TEXT}, headers=auth)
    assert missing.status_code == 404 and "does not exist" in missing.get_json()["error"]
    empty = client.post("/hf/models/lead", json={"inputs": " "}, headers=auth)
    assert empty.status_code == 400 and "error" in empty.get_json()
    not_json = client.post("/hf/models/lead", data="x", headers=auth)
    assert not_json.status_code == 415 and "error" in not_json.get_json()


def test_rate_limit_counts_the_drop_ins_with_the_keys_other_requests(tmp_path: Path) -> None:
    config = JobsConfig(db=str(tmp_path / "jobs.db"))
    app = create_app({"preload": [], "log_level": "WARNING", "api_keys": [KEY], "isolation": "thread",
                      "rate_limit": "2/minute", "jobs": config}, registry=registry())
    client = app.test_client()
    body = job_body([{"id": "1", "text": TEXT}], extractive())
    assert client.post(JOBS, json=body, headers=AZ).status_code == 202
    assert client.post("/hf/models/lead", json={"inputs": TEXT},
                       headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    limited = client.post(JOBS, json=body, headers=AZ)
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "TooManyRequests"
    assert int(limited.headers["Retry-After"]) >= 1
    hub = client.post("/hf/models/lead", json={"inputs": TEXT}, headers={"Authorization": f"Bearer {KEY}"})
    assert hub.status_code == 429 and "error" in hub.get_json()


def test_settings_come_from_prefixed_variables_and_are_checked() -> None:
    from summarizers.config import ConfigError
    from summarizers_service.config import load_service_config

    config = load_service_config({"SUMMARIZE_COMPAT_AZURE_MAX_DOCUMENTS": "5",
                                  "SUMMARIZE_COMPAT_EXTRACTIVE_METHOD": " lexrank "}).compat
    assert (config.azure_max_documents, config.extractive_method, config.azure_page_size) == (5, "lexrank", 20)
    with pytest.raises(ConfigError, match="SUMMARIZE_COMPAT_AZURE_PAGE_SIZE"):
        load_service_config({"SUMMARIZE_COMPAT_AZURE_PAGE_SIZE": "many"})
    with pytest.raises(ConfigError, match="SUMMARIZE_COMPAT_AZURE_MAX_CHARACTERS='0'"):
        load_service_config({"SUMMARIZE_COMPAT_AZURE_MAX_CHARACTERS": "0"})


def query_registry() -> Registry:
    full = default_registry()
    return Registry([full.get("newsrank"), full.get("lead")])


def test_extractive_query_selects_the_sentences_that_bear_on_it(tmp_path: Path) -> None:
    reg = query_registry()
    app = create_app({"preload": [], "log_level": "WARNING", "api_keys": [KEY], "isolation": "thread",
                      "jobs": JobsConfig(db=str(tmp_path / "jobs.db"))}, registry=reg)
    client = app.test_client()
    url = submit(client, job_body([{"id": "a", "text": TEXT, "language": "en"}],
                                  extractive(name="plain", sentenceCount=1),
                                  extractive(name="roads", sentenceCount=1, query="road repairs")))
    JobWorker(app.extensions["summarize_jobs"]["jobs"], registry_factory=query_registry).run(until_idle=True)
    job = client.get(url, headers=AZ).get_json()
    picked = {item["taskName"]: item["results"]["documents"][0]["sentences"][0]["text"]
              for item in job["tasks"]["items"]}
    assert picked["roads"] == "Road repairs get a larger share than last year."
    assert picked["plain"] != picked["roads"]
    bad = client.post(JOBS, json=job_body([{"id": "a", "text": TEXT, "language": "en"}],
                                          extractive(modelVersion="lead", query="roads")), headers=AZ)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "InvalidArgument"
    assert "query" in bad.get_json()["error"]["message"]

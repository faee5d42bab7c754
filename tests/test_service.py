"""The HTTP service through Flask's test client: every route and every error status.

Model-backed behaviour (backpressure, time limits, preloading, failures) uses small test
doubles of :class:`summarizers.Method` in an injected registry; no model is loaded.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.config import ServiceConfig
from service.logging import JsonFormatter, clean_request_id, request_id_var
from service.offsets import Utf16Index
from service.security import ApiKeys
from summarizers import Availability, Document, Method, ModelError, Parameter, Registry, Request, Summary
from summarizers.methods.lead import LeadMethod
from summarizers.methods.newsrank import NewsRankMethod
from summarizers.methods.sumy_methods import sumy_methods

ARTICLE = (
    "Storm batters the coast\n\n"
    "A powerful storm hit the northern coast on Monday, cutting power to thousands of homes. "
    "Emergency crews worked through the night to clear fallen trees from the main roads.\n"
    "The weather service said winds reached 120 kilometres per hour near the harbour. "
    "Several ferries were cancelled and the port was closed until further notice.\n"
    "Local schools will stay closed on Tuesday while engineers inspect the buildings. "
    "Officials expect power to be restored to most homes by Wednesday evening.\n"
)

EMOJI_ARTICLE = (
    "Café owners in Zürich 😀 welcomed the new rules on Monday, saying the change was overdue. 🎉\n"
    "The city council voted 30 to 12 in favour of longer opening hours for terraces. "
    "Résidents near the lake 🌊 worried about noise late at night.\n"
    "Police said they would monitor the busiest streets during the first weekend. 🚓 "
    "The rules take effect in June and will be reviewed after one year.\n"
)


class GatedAbstractive(Method):
    """An "abstractive" double: waits for ``gate`` (so tests control its duration), then answers
    with the lead sentences. ``load()`` waits for ``load_gate``."""

    name = "gated"
    kind = "abstractive"
    description = "test double: waits for a gate"
    parameters = (Parameter("num_beams", "integer", "beams", default=1, minimum=1, maximum=8),)

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.load_gate = threading.Event()
        self.load_gate.set()
        self.loads = 0

    def summarize(self, document: Document, request: Request) -> Summary:
        self.started.set()
        if not self.gate.wait(10):
            raise ModelError("the test gate never opened")
        result = LeadMethod().summarize(document, request)
        return dataclasses.replace(
            result, method=self.name, kind="abstractive", model={"name": "fake", "source": "test"}
        )

    def load(self) -> None:
        self.load_gate.wait(10)
        self.loads += 1

    def loaded(self) -> bool:
        return self.loads > 0

    def models(self) -> list[dict[str, Any]]:
        return [{"name": "fake", "source": "test", "default": True}]


class Unavailable(Method):
    name = "missing"
    kind = "abstractive"
    description = "test double: never available"

    def availability(self) -> Availability:
        return Availability(
            False, reason="model 'x' is not in the local cache", fix="summarize models download x"
        )

    def summarize(self, document: Document, request: Request) -> Summary:
        raise AssertionError("must not be called")


class Broken(Method):
    name = "broken"
    kind = "extractive"
    description = "test double: a bug"

    def summarize(self, document: Document, request: Request) -> Summary:
        raise RuntimeError("secret internal detail /etc/passwd")


class FailingModel(Method):
    name = "failing"
    kind = "abstractive"
    description = "test double: the model fails"

    def summarize(self, document: Document, request: Request) -> Summary:
        raise ModelError("the model failed while generating")


@pytest.fixture
def gated() -> Iterator[GatedAbstractive]:
    method = GatedAbstractive()
    yield method
    method.gate.set()  # never leave a pool thread waiting
    method.load_gate.set()


@pytest.fixture
def registry(gated: GatedAbstractive) -> Registry:
    methods = [
        NewsRankMethod(),  # the default method
        LeadMethod(),
        *[m for m in sumy_methods() if m.name == "lexrank"],
        gated,
        Unavailable(),
        Broken(),
        FailingModel(),
    ]
    return Registry(methods)


def make_app(registry: Registry, **settings: Any) -> Flask:
    settings.setdefault("preload", [])
    app = create_app(settings, registry=registry)
    app.testing = True
    return app


@pytest.fixture
def client(registry: Registry) -> FlaskClient:
    return make_app(registry).test_client()


def error_of(response: Any, status: int) -> dict[str, Any]:
    """The error object of an envelope answer with ``status``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]


# --- summarize ------------------------------------------------------------------------------


def test_sample_article_gives_three_sentences_whose_offsets_slice_the_text(sample_article: str) -> None:
    client = make_app(Registry([NewsRankMethod(), *sumy_methods()])).test_client()
    response = client.post("/v1/summarize", json={"text": sample_article}, headers={"X-Request-ID": "req-1"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "req-1"
    data = response.get_json()
    assert data["method"] == "newsrank" and data["kind"] == "extractive"
    assert data["offsets"] == "codepoint" and data["elapsed_seconds"] >= 0
    assert len(data["sentences"]) == 3
    for sentence in data["sentences"]:
        assert sample_article[sentence["start"] : sentence["end"]] == sentence["text"]
        assert {"score", "rank"} <= set(sentence)
    assert data["length"]["sentences"] == 3
    assert {"input", "warnings", "headline"} <= set(data)


def test_length_language_and_options_reach_the_library(client: FlaskClient) -> None:
    response = client.post(
        "/v1/summarize",
        json={
            "text": ARTICLE,
            "method": "lead",
            "length": {"words": 20},
            "language": "en",
            "options": {"order": "rank"},
        },
    )
    data = response.get_json()
    assert response.status_code == 200, data
    assert data["method"] == "lead"
    assert data["length"]["requested"] == {"words": 20}
    assert data["input"]["language"] == "english"
    assert data["sentences"][0]["text"].startswith("A powerful storm")


def test_html_offsets_refer_to_the_extracted_text(client: FlaskClient) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines()[2:])
    html = f"<html><head><title>Storm</title></head><body><article>{paragraphs}</article></body></html>"
    response = client.post("/v1/summarize", json={"html": html, "method": "lead", "length": {"sentences": 2}})
    data = response.get_json()
    assert response.status_code == 200, data
    assert data["offsets_refer_to"] == "extracted_text"
    for sentence in data["sentences"]:
        assert data["extracted_text"][sentence["start"] : sentence["end"]] == sentence["text"]


def test_utf16_offsets_are_javascript_string_indices(client: FlaskClient) -> None:
    def js_slice(text: str, start: int, end: int) -> str:
        units = text.encode("utf-16-le")
        return units[2 * start : 2 * end].decode("utf-16-le")

    body = {"text": EMOJI_ARTICLE, "method": "lead", "length": {"sentences": 4}}
    plain = client.post("/v1/summarize", json=body).get_json()
    utf16 = client.post("/v1/summarize", json={**body, "offsets": "utf16"}).get_json()
    assert utf16["offsets"] == "utf16"
    shifted = False
    for cp, u16 in zip(plain["sentences"], utf16["sentences"], strict=True):
        assert EMOJI_ARTICLE[cp["start"] : cp["end"]] == cp["text"]
        assert js_slice(EMOJI_ARTICLE, u16["start"], u16["end"]) == u16["text"] == cp["text"]
        shifted |= u16["start"] != cp["start"]
    assert shifted, "an emoji precedes some sentence, so some offset must move"


def test_utf16_index_counts_astral_characters_twice() -> None:
    index = Utf16Index("a😀é🎉b")  # code points: a 😀 é 🎉 b
    assert [index(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert Utf16Index("plain")(3) == 3


# --- errors ---------------------------------------------------------------------------------


def test_malformed_json_is_400(client: FlaskClient) -> None:
    error = error_of(client.post("/v1/summarize", data='{"text": ', content_type="application/json"), 400)
    assert error["code"] == "malformed_json"
    error = error_of(client.post("/v1/summarize", data=b"\xff\xfe{", content_type="application/json"), 400)
    assert error["code"] == "malformed_json"
    error = error_of(client.post("/v1/summarize", data="[" * 100_000, content_type="application/json"), 400)
    assert error["code"] == "malformed_json"


def test_unknown_path_is_404_and_wrong_verb_is_405(client: FlaskClient) -> None:
    assert error_of(client.get("/v2/summarize"), 404)["code"] == "not_found"
    response = client.get("/v1/summarize")
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_body_over_the_limit_is_413(registry: Registry) -> None:
    client = make_app(registry, max_body_bytes=1000).test_client()
    error = error_of(client.post("/v1/summarize", json={"text": "word " * 1000}), 413)
    assert error["code"] == "payload_too_large"


def test_body_that_is_not_json_is_415(client: FlaskClient) -> None:
    error = error_of(client.post("/v1/summarize", data=ARTICLE, content_type="text/plain"), 415)
    assert error["code"] == "unsupported_media_type"
    error_of(client.post("/v1/summarize/batch", data="documents=1"), 415)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"text": ARTICLE, "method": "nope"}, "unknown_method", "method"),
        ({"text": ARTICLE, "length": {"sentences": 0}}, "validation_error", "length.sentences"),
        ({"text": ARTICLE, "length": {"ratio": 1.5}}, "validation_error", "length.ratio"),
        ({"text": ARTICLE, "length": {"sentences": 2, "words": 10}}, "validation_error", "length"),
        ({"text": ARTICLE, "length": {"pages": 2}}, "validation_error", "length.pages"),
        ({"text": ARTICLE, "length": {"sentences": "3"}}, "validation_error", "length.sentences"),
        ({"text": ""}, "validation_error", "text"),
        ({"text": "   \n  "}, "invalid_input", "text"),
        ({"text": ARTICLE, "html": "<p>x</p>"}, "invalid_input", "text"),
        ({"method": "lead"}, "invalid_input", "text"),
        ({"text": ARTICLE, "language": "klingon"}, "unsupported_language", "language"),
        ({"text": ARTICLE, "options": {"order": "random"}}, "invalid_option", "options.order"),
        ({"text": ARTICLE, "options": {"num_beams": 4}}, "invalid_option", "options.num_beams"),
        (
            {"text": ARTICLE, "method": "gated", "options": {"num_beams": 99}},
            "invalid_option",
            "options.num_beams",
        ),
        ({"text": ARTICLE, "offsets": "bytes"}, "validation_error", "offsets"),
        ({"text": ARTICLE, "extra": 1}, "validation_error", "extra"),
        ({"text": 42}, "validation_error", "text"),
    ],
)
def test_invalid_requests_are_422_naming_the_field(
    client: FlaskClient, body: dict, code: str, field: str
) -> None:
    error = error_of(client.post("/v1/summarize", json=body), 422)
    assert error["code"] == code
    assert error["details"]["field"] == field


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"text": "Half a pair \\udc00 here. And more text."}', "text"),
        ('{"text": "Fine text. More of it.", "options": {"title": "x\\ud800"}}', "options.title"),
        ('{"text": "Fine text. More of it.", "options": {"k\\ud800": 1}}', "options"),
        ('{"documents": [{"text": "ok"}, {"id": "\\udfff", "text": "ok"}]}', "documents.1.id"),
    ],
)
def test_lone_surrogates_are_422_not_a_crash(client: FlaskClient, raw: str, field: str) -> None:
    path = "/v1/summarize/batch" if "documents" in raw else "/v1/summarize"
    error = error_of(client.post(path, data=raw, content_type="application/json"), 422)
    assert error["details"]["field"] == field


def test_a_body_that_is_not_an_object_is_422(client: FlaskClient) -> None:
    error = error_of(client.post("/v1/summarize", json=["text"]), 422)
    assert error["details"]["field"] == "body"


def test_unavailable_method_is_503_with_retry_after_and_the_fix(client: FlaskClient) -> None:
    response = client.post("/v1/summarize", json={"text": ARTICLE, "method": "missing"})
    error = error_of(response, 503)
    assert error["code"] == "method_unavailable"
    assert error["details"]["fix"] == "summarize models download x"
    assert response.headers["Retry-After"] == "5"


def test_saturated_abstractive_slots_give_503_quickly(registry: Registry, gated: GatedAbstractive) -> None:
    app = make_app(registry, abstractive_concurrency=1, queue_wait=0.05, retry_after=7)
    first: dict[str, Any] = {}
    body = {"text": ARTICLE, "method": "gated"}
    worker = threading.Thread(
        target=lambda: first.update(r=app.test_client().post("/v1/summarize", json=body))
    )
    worker.start()
    assert gated.started.wait(5)
    response = app.test_client().post("/v1/summarize", json=body)
    error = error_of(response, 503)
    assert error["code"] == "server_busy"
    assert response.headers["Retry-After"] == "7"
    # Extractive requests are not held up by the busy abstractive slot.
    assert (
        app.test_client().post("/v1/summarize", json={"text": ARTICLE, "method": "lead"}).status_code == 200
    )
    gated.gate.set()
    worker.join(10)
    assert first["r"].status_code == 200
    assert first["r"].get_json()["kind"] == "abstractive"


def test_summary_over_the_time_limit_is_504(registry: Registry, gated: GatedAbstractive) -> None:
    app = make_app(registry, request_timeout=0.2, queue_wait=0.05)
    error = error_of(app.test_client().post("/v1/summarize", json={"text": ARTICLE, "method": "gated"}), 504)
    assert error["code"] == "timeout"
    assert error["details"]["limit_seconds"] == 0.2
    # The abandoned summary holds its slot until it really ends, then gives it back.
    busy = app.test_client().post("/v1/summarize", json={"text": ARTICLE, "method": "gated"})
    assert error_of(busy, 503)["code"] == "server_busy"
    gated.gate.set()
    deadline = time.monotonic() + 5
    while True:
        again = app.test_client().post("/v1/summarize", json={"text": ARTICLE, "method": "gated"})
        if again.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert again.status_code == 200


def test_unexpected_error_is_500_without_a_trace_and_is_logged(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="service"):
        response = client.post(
            "/v1/summarize", json={"text": ARTICLE, "method": "broken"}, headers={"X-Request-ID": "trace-me"}
        )
    error = error_of(response, 500)
    assert error["code"] == "internal_error"
    assert "trace-me" in error["message"]
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret" not in text and "RuntimeError" not in text
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "secret internal detail" in str(logged[0].exc_info[1])


def test_model_error_is_500_with_its_code(client: FlaskClient) -> None:
    error = error_of(client.post("/v1/summarize", json={"text": ARTICLE, "method": "failing"}), 500)
    assert error["code"] == "model_error"


# --- batch ----------------------------------------------------------------------------------


def test_batch_with_one_bad_document_returns_the_others_in_order(client: FlaskClient) -> None:
    documents = [
        {"id": "a", "text": ARTICLE},
        {"id": "b", "text": "   "},
        {"text": EMOJI_ARTICLE},
        {"id": 7, "text": ARTICLE, "html": "<p>both</p>"},
    ]
    response = client.post(
        "/v1/summarize/batch",
        json={"documents": documents, "method": "lead", "length": {"sentences": 2}, "offsets": "utf16"},
    )
    data = response.get_json()
    assert response.status_code == 200, data
    assert [r["id"] for r in data["results"]] == ["a", "b", 2, 7]
    assert data["count"] == 4 and data["failed"] == 2
    assert data["results"][0]["length"]["sentences"] == 2
    assert data["results"][1]["status"] == 422
    assert data["results"][1]["error"]["code"] == "invalid_input"
    assert data["results"][2]["offsets"] == "utf16"
    assert data["results"][3]["error"]["details"]["field"] == "text"


def test_batch_limits_and_shared_errors(registry: Registry) -> None:
    client = make_app(registry, max_batch=2).test_client()
    too_many = {"documents": [{"text": ARTICLE}] * 3}
    assert error_of(client.post("/v1/summarize/batch", json=too_many), 422)["details"]["field"] == "documents"
    assert (
        error_of(client.post("/v1/summarize/batch", json={"documents": []}), 422)["details"]["field"]
        == "documents"
    )
    unknown = {"documents": [{"text": ARTICLE}], "method": "nope"}
    assert error_of(client.post("/v1/summarize/batch", json=unknown), 422)["code"] == "unknown_method"


# --- methods, health, readiness, metrics, docs ---------------------------------------------


def test_methods_lists_kind_parameters_availability_and_models(client: FlaskClient) -> None:
    data = client.get("/v1/methods").get_json()
    by_name = {m["name"]: m for m in data["methods"]}
    assert by_name["lexrank"]["kind"] == "extractive" and by_name["lexrank"]["available"] is True
    assert by_name["missing"]["available"] is False and by_name["missing"]["reason"]
    beams = next(p for p in by_name["gated"]["parameters"] if p["name"] == "num_beams")
    assert (beams["minimum"], beams["maximum"]) == (1, 8)
    assert data["models"] == [{"method": "gated", "name": "fake", "source": "test", "default": True}]


def test_health_is_open_and_readiness_follows_the_preload(
    registry: Registry, gated: GatedAbstractive
) -> None:
    gated.load_gate.clear()
    app = make_app(registry, preload=["gated", "missing", "lead"])
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    error = error_of(response, 503)
    assert error["code"] == "not_ready"
    assert error["details"]["preload"]["gated"]["state"] in ("pending", "loading")
    busy = client.post("/v1/summarize", json={"text": ARTICLE, "method": "gated"})
    assert error_of(busy, 503)["code"] == "loading"
    gated.load_gate.set()
    assert app.extensions["summarize"].preloader.wait(5)
    ready = client.get("/readyz")
    assert ready.status_code == 200
    preload = ready.get_json()["preload"]
    assert preload["gated"]["state"] == "loaded" and preload["gated"]["seconds"] is not None
    assert preload["missing"]["state"] == "unavailable"
    assert gated.loads == 1
    assert "summarize_model_load_seconds" in client.get("/metrics").get_data(as_text=True)


def test_metrics_are_prometheus_text(client: FlaskClient) -> None:
    client.post("/v1/summarize", json={"text": ARTICLE, "method": "lead"})
    client.get("/nowhere")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.get_data(as_text=True))}
    requests = {
        (s.labels["route"], s.labels["status"]): s.value
        for s in families["summarize_http_requests"].samples
        if s.name.endswith("_total")
    }
    assert requests[("/v1/summarize", "200")] == 1
    assert requests[("<unmatched>", "404")] == 1
    assert "summarize_http_request_duration_seconds" in families
    assert "summarize_http_requests_in_flight" in families
    summaries = families["summarize_summaries"].samples
    assert any(s.labels == {"method": "lead", "outcome": "ok"} and s.value == 1 for s in summaries)


def test_docs_page_lists_the_endpoints(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    for path in ("/v1/summarize", "/v1/summarize/batch", "/v1/methods", "/readyz"):
        assert f"<code>{path}</code>" in page
    assert "num_beams" in page  # options documented from the methods' parameters


# --- request ids, logs, keys, CORS, configuration -----------------------------------------


def test_request_ids_are_generated_or_cleaned(client: FlaskClient) -> None:
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    assert (
        client.get("/healthz", headers={"X-Request-ID": 'ab c<script>"1'}).headers["X-Request-ID"]
        == "abcscript1"
    )
    assert clean_request_id("x" * 500) == "x" * 128
    assert clean_request_id("<>") != "" and clean_request_id(None) != clean_request_id(None)


def test_log_lines_are_json_with_the_request_id(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="service.access"):
        client.get("/healthz", headers={"X-Request-ID": "log-1"})
    record = next(r for r in caplog.records if r.name == "service.access")
    token = request_id_var.set("log-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "log-1"
    assert line["route"] == "/healthz" and line["status"] == 200 and line["duration_ms"] >= 0


def test_api_keys_protect_v1_only(registry: Registry) -> None:
    client = make_app(registry, api_keys=["k1", "k2-secret"]).test_client()
    missing = client.get("/v1/methods")
    assert error_of(missing, 401)["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    error_of(client.get("/v1/methods", headers={"Authorization": "Bearer k2"}), 401)
    error_of(client.get("/v1/methods", headers={"Authorization": "Basic k1"}), 401)
    assert client.get("/v1/methods", headers={"Authorization": "Bearer k2-secret"}).status_code == 200
    for open_path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert client.get(open_path).status_code == 200
    spec = client.get("/openapi.json").get_json()
    assert spec["paths"]["/v1/summarize"]["post"]["security"] == [{"bearerAuth": []}]


def test_api_key_comparison() -> None:
    keys = ApiKeys(["alpha", "beta"])
    assert keys.enabled and keys.accepts("beta") and not keys.accepts("bet") and not keys.accepts("")
    assert not ApiKeys([]).enabled


def test_cors_only_for_configured_origins(registry: Registry) -> None:
    client = make_app(registry, cors_origins=["https://cms.example"]).test_client()
    allowed = client.get("/v1/methods", headers={"Origin": "https://cms.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://cms.example"
    assert "X-Request-ID" in allowed.headers["Access-Control-Expose-Headers"]
    other = client.get("/v1/methods", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/v1/summarize",
        headers={
            "Origin": "https://cms.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    closed = make_app(registry).test_client().get("/v1/methods", headers={"Origin": "https://cms.example"})
    assert "Access-Control-Allow-Origin" not in closed.headers


def test_preflight_passes_without_a_key(registry: Registry) -> None:
    client = make_app(registry, api_keys=["k"], cors_origins=["*"]).test_client()
    preflight = client.options(
        "/v1/summarize", headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://a.example"


def test_config_from_environment() -> None:
    config = ServiceConfig.from_env(
        {
            "SUMMARIZE_MAX_BODY_BYTES": "2048",
            "SUMMARIZE_API_KEYS": "a, b,",
            "SUMMARIZE_REQUEST_TIMEOUT": "2.5",
            "SUMMARIZE_PRELOAD": "",
            "SUMMARIZE_CORS_ORIGINS": "https://x.example",
        }
    )
    assert config.max_body_bytes == 2048 and config.api_keys == ("a", "b")
    assert (
        config.request_timeout == 2.5
        and config.preload == ()
        and config.cors_origins == ("https://x.example",)
    )
    assert ServiceConfig.from_env({}) == ServiceConfig()
    with pytest.raises(ValueError, match="SUMMARIZE_MAX_BATCH"):
        ServiceConfig.from_env({"SUMMARIZE_MAX_BATCH": "many"})
    with pytest.raises(ValueError, match="request_timeout"):
        ServiceConfig.from_env({"SUMMARIZE_REQUEST_TIMEOUT": "-1"})
    with pytest.raises(ValueError, match="unknown service setting"):
        create_app({"max_bodies": 1}, registry=Registry([LeadMethod()]))

"""Health, readiness, metrics, the docs page, request ids and JSON logs."""

from __future__ import annotations

import json
import logging

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from service_helpers import ARTICLE, GatedAbstractive, error_of, make_app

from summarizers import Registry
from summarizers_service.logging import JsonFormatter, clean_request_id, request_id_var


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
    with caplog.at_level(logging.INFO, logger="summarizers_service.access"):
        client.get("/healthz", headers={"X-Request-ID": "log-1"})
    record = next(r for r in caplog.records if r.name == "summarizers_service.access")
    token = request_id_var.set("log-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "log-1"
    assert line["route"] == "/healthz" and line["status"] == 200 and line["duration_ms"] >= 0

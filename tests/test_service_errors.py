"""Every error status of the service, in its one JSON envelope."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from flask.testing import FlaskClient
from service_helpers import ARTICLE, GatedAbstractive, error_of, make_app

from summarizers import Registry

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
        ({"text": ARTICLE, "length": {"sentences": 0}}, "invalid_length", "length.sentences"),
        ({"text": ARTICLE, "length": {"ratio": 1.5}}, "invalid_length", "length.ratio"),
        ({"text": ARTICLE, "length": {"sentences": 2, "words": 10}}, "invalid_length", "length"),
        ({"text": ARTICLE, "length": {"pages": 2}}, "invalid_length", "length"),
        ({"text": ARTICLE, "length": {"sentences": "3"}}, "invalid_length", "length.sentences"),
        ({"text": ARTICLE, "length": 3}, "validation_error", "length"),
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
    with caplog.at_level(logging.ERROR, logger="summarizers_service"):
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

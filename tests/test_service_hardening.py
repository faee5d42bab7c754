"""Hardening of the service through Flask's test client and the process pool itself: killable
work, bounded queue and rate limit, bounded metrics, numbers, bodies, schema/behaviour matches."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import string
import threading
import time
from typing import Any

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from service_helpers import ARTICLE, GatedAbstractive, error_of

from summarizers import Registry, SummaryTimeout
from summarizers.methods.lead import LeadMethod
from summarizers.methods.newsrank import NewsRankMethod
from summarizers.methods.sumy_methods import sumy_methods
from summarizers_service.app import create_app
from summarizers_service.processes import ChildCrashed, ChildOutOfMemory, RequestChildren
from summarizers_service.tasks import GivenRegistry, SummarizeTask

WORDS = ["market", "bank", "council", "vote", "report", "police", "court", "city", "storm", "school", "budget"]


def long_text(sentences: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return "\n".join(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(sentences))


def small_registry(*extra: Any) -> Registry:
    return Registry([NewsRankMethod(), LeadMethod(), *[m for m in sumy_methods() if m.name in ("lexrank", "random")],
                     *extra])


def app_with(registry: Registry | None = None, **settings: Any) -> Flask:
    settings.setdefault("preload", [])
    app = create_app(settings, registry=registry or small_registry())
    app.testing = True
    return app


@pytest.fixture(scope="module")
def process_app() -> Flask:
    """Extractive work in one killable worker process, 1.5 s time limit."""
    app = app_with(processes=1, request_timeout=1.5, queue=0)
    yield app
    app.extensions["summarize"].runner.shutdown()


# --- killable work ----------------------------------------------------------------------------


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as f:  # a zombie not yet reaped counts as gone
        return f.read().rsplit(")", 1)[1].split()[0] == "Z"


#: A request that runs for seconds (sumy's own quadratic lexrank, just under its sentence limit).
SLOW = {"text": long_text(990), "method": "lexrank", "options": {"implementation": "sumy"}}


def test_a_summary_past_its_limit_is_killed_and_the_next_one_is_fast(process_app: Flask) -> None:
    client = process_app.test_client()
    assert client.post("/v1/summarize", json={"text": ARTICLE}).status_code == 200
    pool = process_app.extensions["summarize"].runner.pool
    [first] = pool.pids()
    started = time.monotonic()
    error = error_of(client.post("/v1/summarize", json=SLOW), 504)
    assert error["code"] == "timeout" and time.monotonic() - started < 3
    assert _gone(first)  # killed: its CPU and memory are back at once
    timings = []
    for _ in range(5):
        started = time.monotonic()
        assert client.post("/v1/summarize", json={"text": ARTICLE}).status_code == 200
        timings.append(time.monotonic() - started)
    assert min(timings) < 0.5
    assert pool.killed >= 1 and first not in pool.pids()


def test_a_worker_process_killed_from_outside_is_a_500_and_is_replaced(process_app: Flask) -> None:
    client = process_app.test_client()
    assert client.post("/v1/summarize", json={"text": ARTICLE}).status_code == 200
    [child] = process_app.extensions["summarize"].runner.pool.pids()
    threading.Timer(0.5, os.kill, (child, signal.SIGKILL)).start()
    error = error_of(client.post("/v1/summarize", json={**SLOW, "text": long_text(990, seed=2)}), 500)
    assert error["code"] == "internal_error"
    assert client.post("/v1/summarize", json={"text": ARTICLE}).status_code == 200


def _allocate(registry: Registry) -> int:
    return len(bytearray(1024 * 1024 * 1024))


def _crash(registry: Registry) -> None:
    os._exit(3)


def _task(text: str, method: str, length: dict | None = None, options: dict | None = None) -> SummarizeTask:
    """A task as the service makes it: the request prepared here, the summary done in a child."""
    return SummarizeTask(small_registry().prepare(method, length, options=options).to_wire(), {"text": text})


def test_pool_memory_limit_crash_and_errors_cross_the_boundary() -> None:
    pool = RequestChildren(1, GivenRegistry(small_registry()), memory_mb=600)
    try:
        with pytest.raises(ChildOutOfMemory):
            pool.run(_allocate, 30)
        with pytest.raises(ChildCrashed, match="exit status 3"):
            pool.run(_crash, 30)
        with pytest.raises(SummaryTimeout):
            pool.run(_task(long_text(990), "lexrank", options={"implementation": "sumy"}), 0.5)
        from summarizers import InvalidInput

        with pytest.raises(InvalidInput) as raised:
            pool.run(_task("   ", "lead"), 30)
        assert raised.value.field == "text"
        summary = pool.run(_task(ARTICLE, "lead", {"sentences": 1}), 30)
        assert summary.length.sentences == 1
    finally:
        pool.close()


def test_pool_recycles_a_child_that_grew() -> None:
    pool = RequestChildren(1, GivenRegistry(small_registry()), recycle_rss_mb=1)  # every child is above 1 MiB
    try:
        task = _task(ARTICLE, "lead")
        pool.run(task, 30)
        pool.run(task, 30)
        assert pool.started >= 2
    finally:
        pool.close()


def test_abstractive_input_is_bounded_before_any_work() -> None:
    gated = GatedAbstractive()
    gated.gate.set()
    app = app_with(small_registry(gated), abstractive_max_characters=500)
    error = error_of(app.test_client().post("/v1/summarize", json={"text": ARTICLE, "method": "gated"}), 422)
    assert error["code"] == "input_too_large" and error["details"]["limit"] == 500
    assert error["details"]["unit"] == "characters" and error["details"]["characters"] == len(ARTICLE)
    assert not gated.started.is_set()


# --- bounded queue, rate limit ----------------------------------------------------------------


def test_beyond_the_queue_the_answer_is_an_immediate_503() -> None:
    gated = GatedAbstractive()
    app = app_with(small_registry(gated), queue=1, queue_wait=5, retry_after=3)
    body = {"text": ARTICLE, "method": "gated"}
    answers: list[Any] = []
    threads = [threading.Thread(target=lambda: answers.append(app.test_client().post("/v1/summarize", json=body)))
               for _ in range(2)]
    try:
        threads[0].start()
        assert gated.started.wait(5)
        threads[1].start()  # waits in the queue (one place)
        deadline = time.monotonic() + 5
        while app.extensions["summarize"].runner.waiting < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
        response = app.test_client().post("/v1/summarize", json=body)
        assert time.monotonic() - started < 1
        assert error_of(response, 503)["code"] == "server_busy"
        assert response.headers["Retry-After"] == "3"
    finally:
        gated.gate.set()
        for t in threads:
            t.join(10)
    assert [a.status_code for a in answers] == [200, 200]


def test_rate_limit_per_key_is_429_with_retry_after() -> None:
    app = app_with(api_keys=["k1", "k2"], rate_limit="2/minute", isolation="thread")
    client = app.test_client()
    one = {"Authorization": "Bearer k1"}
    body = {"text": ARTICLE, "method": "lead"}
    assert [client.post("/v1/summarize", json=body, headers=one).status_code for _ in range(2)] == [200, 200]
    response = client.post("/v1/summarize", json=body, headers=one)
    assert error_of(response, 429)["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 30
    assert client.post("/v1/summarize", json=body, headers={"Authorization": "Bearer k2"}).status_code == 200
    assert client.get("/healthz").status_code == 200  # only /v1 is limited


# --- metrics ----------------------------------------------------------------------------------


def _series(text: str) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    return {(s.name, tuple(sorted(s.labels.items())))
            for f in text_string_to_metric_families(text) for s in f.samples}


def test_random_http_methods_do_not_grow_metrics() -> None:
    client = app_with(isolation="thread").test_client()
    rng = random.Random(3)

    def noise(n: int) -> None:
        for _ in range(n):
            verb = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(3, 10)))
            assert client.open("/healthz", method=verb).status_code == 405
            client.open(f"/{verb.lower()}", method=verb)

    noise(5)
    client.get("/metrics")  # the scrape itself is counted once
    before = client.get("/metrics").get_data(as_text=True)
    noise(1000)
    after = client.get("/metrics").get_data(as_text=True)
    assert _series(after) == _series(before)
    assert abs(len(after) - len(before)) < 300  # only the counts' digits differ
    assert 'method="other"' in after


# --- numbers, bodies, schema and behaviour ----------------------------------------------------

HUGE = "1" + "0" * 400


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"text": "Hello world. Bye now.", "options": {"order": ' + HUGE + '}}', "options.order"),
        ('{"text": "Hello world. Bye now.", "method": "random", "options": {"seed": ' + HUGE + '}}', "options.seed"),
        ('{"text": "Hello world. Bye now.", "method": "random", "options": {"seed": 1e400}}', "options.seed"),
        ('{"text": "Hello world. Bye now.", "length": {"ratio": 1e400}}', "length.ratio"),
        ('{"text": "Hello world. Bye now.", "length": {"ratio": NaN}}', "length.ratio"),
        ('{"text": "Hello world. Bye now.", "length": {"words": ' + HUGE + '}}', "length.words"),
        ('{"text": "Hello world. Bye now.", "length": {"words": 1' + "0" * 5000 + "}}", "body"),
        ('{"documents": [{"text": "Hello world."}], "length": {"sentences": ' + HUGE + '}}', "length.sentences"),
    ],
)
def test_numbers_never_overflow_into_a_500(raw: str, field: str) -> None:
    client = app_with(isolation="thread").test_client()
    path = "/v1/summarize/batch" if "documents" in raw else "/v1/summarize"
    error = error_of(client.post(path, data=raw, content_type="application/json"), 422)
    assert error["details"]["field"] == field


def test_whole_number_floats_are_integers_as_json_schema_says() -> None:
    client = app_with(isolation="thread").test_client()
    response = client.post("/v1/summarize", json={"text": ARTICLE, "method": "random",
                                                   "length": {"words": 30.0}, "options": {"seed": 7.0}})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["length"]["requested"] == {"words": 30}
    error = error_of(client.post("/v1/summarize", json={"text": ARTICLE, "length": {"words": 30.5}}), 422)
    assert error["details"]["field"] == "length.words"


def test_a_chunked_body_over_the_limit_is_413_not_cut() -> None:
    client = app_with(max_body_bytes=1000, isolation="thread").test_client()

    def chunked(body: bytes) -> Any:
        return client.post("/v1/summarize", input_stream=io.BytesIO(body),
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})

    valid = json.dumps({"text": "Hello world. Bye now.", "method": "lead"}).encode()
    assert error_of(chunked(valid + b" " * 3000), 413)["details"] == {"limit": 1000, "unit": "bytes"}
    assert error_of(chunked(b"{" + b" " * 2000 + b'"text": "x"}'), 413)["code"] == "payload_too_large"
    assert chunked(valid).status_code == 200


def test_a_body_that_is_not_utf8_is_400() -> None:
    client = app_with(isolation="thread").test_client()
    body = json.dumps({"text": ARTICLE}).encode("utf-16")
    assert error_of(client.post("/v1/summarize", data=body, content_type="application/json"), 400)["code"] == (
        "malformed_json"
    )


def test_short_html_is_summarized() -> None:
    client = app_with(isolation="thread").test_client()
    response = client.post("/v1/summarize", json={"html": "<p>Hello world. This is text.</p>", "method": "lead"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["summary"] == "Hello world. This is text."


def test_null_for_an_optional_field_is_documented_and_accepted() -> None:
    client = app_with(isolation="thread").test_client()
    spec = client.get("/openapi.json").get_json()
    title = spec["components"]["schemas"]["BatchDocument"]["properties"]["title"]
    assert {"type": "null"} in title["anyOf"]
    response = client.post("/v1/summarize/batch", json={"documents": [{"text": ARTICLE, "title": None}],
                                                        "method": "lead"})
    assert response.status_code == 200

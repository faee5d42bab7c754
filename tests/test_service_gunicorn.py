"""The real thing: gunicorn with ``service/gunicorn.conf.py`` on a free loopback port, real HTTP
requests (several at once), metrics added up across workers, JSON logs, graceful shutdown."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from jobs_helpers import clean_env, free_port, kill_group, start_gunicorn
from prometheus_client.parser import text_string_to_metric_families

CONCURRENT = 8

pytestmark = pytest.mark.slow

TEXT = (
    "Résumé of the week 😀\n\n"
    "The central bank raised interest rates by a quarter point on Thursday, its third rise this year. "
    "Officials said inflation remained well above the target of two percent.\n"
    "Markets had expected the move, and shares rose slightly after the announcement. "
    "Economists warned that mortgage costs would keep climbing into next year.\n"
    "The bank's governor said further rises were possible if prices kept growing quickly. "
    "The next decision is due in six weeks.\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    env = clean_env({
        "SUMMARIZE_WORKERS": "2",
        "SUMMARIZE_THREADS": "4",
        "SUMMARIZE_PRELOAD": "lexrank",
        # This test checks answers under concurrency, not backpressure (tests/test_service_*hardening.py
        # do): waiting requests may wait long enough for a loaded CI machine.
        "SUMMARIZE_QUEUE_WAIT": "30",
        "SUMMARIZE_JOBS_WORKERS": "0",
    }, log_path.parent)
    process = start_gunicorn(port, env, log_path)
    try:
        yield f"http://127.0.0.1:{port}", process, log_path
    finally:
        kill_group(process, signal.SIGTERM)


def test_real_gunicorn_serves_concurrent_requests(server: tuple[str, subprocess.Popen, Path]) -> None:
    base, process, log_path = server

    def post(i: int) -> requests.Response:
        body = {"text": TEXT, "method": "lexrank", "length": {"sentences": 2}, "offsets": "utf16"}
        return requests.post(
            f"{base}/v1/summarize", json=body, headers={"X-Request-ID": f"it-{i}"}, timeout=60
        )

    with ThreadPoolExecutor(CONCURRENT) as pool:
        responses = list(pool.map(post, range(CONCURRENT)))
    units = TEXT.encode("utf-16-le")
    for i, response in enumerate(responses):
        assert response.status_code == 200, response.text
        assert response.headers["X-Request-ID"] == f"it-{i}"
        data = response.json()
        assert len(data["sentences"]) == 2
        for s in data["sentences"]:
            assert units[2 * s["start"] : 2 * s["end"]].decode("utf-16-le") == s["text"]

    batch = requests.post(
        f"{base}/v1/summarize/batch",
        timeout=60,
        json={"documents": [{"id": "ok", "text": TEXT}, {"id": "bad", "text": " "}], "method": "lead"},
    )
    assert [r.get("error", {}).get("code") for r in batch.json()["results"]] == [None, "invalid_input"]

    bad = requests.post(
        f"{base}/v1/summarize", data="{", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "malformed_json"
    big = requests.post(f"{base}/v1/summarize", json={"text": "word " * 300_000}, timeout=30)
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"

    # Metrics are added up across both workers (prometheus-client's multiprocess mode).
    families = {
        f.name: f for f in text_string_to_metric_families(requests.get(f"{base}/metrics", timeout=10).text)
    }
    served = sum(
        s.value
        for s in families["summarize_http_requests"].samples
        if s.name.endswith("_total") and s.labels["route"] == "/v1/summarize" and s.labels["status"] == "200"
    )
    assert served == CONCURRENT

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    access = [entry for entry in lines if entry["logger"] == "summarizers_service.access"]
    assert {f"it-{i}" for i in range(CONCURRENT)} <= {entry.get("request_id") for entry in access}
    assert all({"route", "status", "duration_ms"} <= set(entry) for entry in access)
    assert any(
        entry["message"].startswith("Shutting down") or "Handling signal" in entry["message"]
        for entry in lines
        if entry["logger"] == "gunicorn.error"
    )

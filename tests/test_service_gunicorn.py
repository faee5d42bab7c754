"""The real thing: gunicorn with ``service/gunicorn.conf.py`` on a free loopback port, real HTTP
requests (several at once), metrics added up across workers, JSON logs, graceful shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
CONCURRENT = 8
STARTUP_SECONDS = 60

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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZE_", "PROMETHEUS_"))}
    env.update(
        {
            "SUMMARIZE_WORKERS": "2",
            "SUMMARIZE_THREADS": "4",
            "SUMMARIZE_PRELOAD": "lexrank",
            "SUMMARIZE_TORCH_THREADS": "1",
            "HF_HUB_OFFLINE": "1",
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
    )
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "service/gunicorn.conf.py",
                "service.app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or workers booting
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn not ready within {STARTUP_SECONDS} s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base, process, log_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
    access = [entry for entry in lines if entry["logger"] == "service.access"]
    assert {f"it-{i}" for i in range(CONCURRENT)} <= {entry.get("request_id") for entry in access}
    assert all({"route", "status", "duration_ms"} <= set(entry) for entry in access)
    assert any(
        entry["message"].startswith("Shutting down") or "Handling signal" in entry["message"]
        for entry in lines
        if entry["logger"] == "gunicorn.error"
    )

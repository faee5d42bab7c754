"""The hardening repros against real gunicorn (``service/gunicorn.conf.py``, the JSON-error worker)
on a free loopback port: every malformed request gets its documented status in the JSON
envelope, a summary past its limit is killed (CPU back to idle), random HTTP methods leave
``/metrics`` (added up across workers) the same size."""

from __future__ import annotations

import json
import random
import string
import time
from collections.abc import Iterator

import pytest
from service_helpers import ARTICLE

from benchmarks.stress import Client, cpu_busy, descendants, gunicorn, long_text, repros

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    env = {"SUMMARIZE_WORKERS": "1", "SUMMARIZE_PROCESSES": "1", "SUMMARIZE_REQUEST_TIMEOUT": "1.5",
           "SUMMARIZE_QUEUE": "1"}
    with gunicorn(env, log) as running:
        yield running


@pytest.mark.parametrize("case", [name for name, _, _ in repros()])
def test_each_repro_gets_its_documented_status_as_json(server: tuple[str, int], case: str) -> None:
    base, _ = server
    send, expected = next((send, status) for name, send, status in repros() if name == case)
    status, headers, body = send(base)
    assert status == expected, body[:300]
    assert headers.get("content-type", "").startswith("application/json")
    data = json.loads(body)
    if status != 200:
        assert set(data["error"]) == {"code", "message", "details"}


def test_a_summary_past_its_limit_stops_using_the_cpu(server: tuple[str, int]) -> None:
    base, pid = server
    client = Client(base)
    assert client.post_json("/v1/summarize", {"text": ARTICLE}).status == 200
    started = time.monotonic()
    slow = {"text": long_text(990, 5), "method": "lexrank", "options": {"implementation": "sumy"}}  # seconds of work
    answer = client.post_json("/v1/summarize", slow)
    assert answer.status == 504 and time.monotonic() - started < 5
    assert json.loads(answer.body)["error"]["code"] == "timeout"
    assert cpu_busy(pid, 1.0) < 0.3  # the child computing it was killed, nothing runs on
    fast = min(client.post_json("/v1/summarize", {"text": ARTICLE}).seconds for _ in range(5))
    assert fast < 0.5
    assert len(descendants(pid)) >= 3  # master, worker, forkserver and its child


def test_random_http_methods_leave_metrics_the_same_size(server: tuple[str, int]) -> None:
    base, _ = server
    client = Client(base)
    rng = random.Random(11)
    verbs = ["".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(3, 10))) for _ in range(1005)]
    for verb in verbs[:5]:
        client.request(verb, "/healthz")
    client.request("GET", "/metrics")
    before = client.request("GET", "/metrics").body
    statuses = {client.request(verb, "/healthz").status for verb in verbs[5:]}
    after = client.request("GET", "/metrics").body
    assert statuses == {405}
    assert abs(len(after) - len(before)) < 300, (len(before), len(after))
    assert b'method="other"' in after

"""Replay hostile-client attacks against a running service and report what it did.

Every loop is bounded in requests and time and stops by itself. Against a server you run::

    python -m benchmarks.stress --url http://127.0.0.1:8000 --pid <gunicorn master pid>
    python -m benchmarks.stress --start            # starts gunicorn (service/gunicorn.conf.py) on a free
                                              # loopback port, attacks it, stops it

Attacks (``--attacks``, comma-separated; default all):

- ``cost``: a normal request's latency (sequential), the service's throughput with a few
  clients, and the library's own throughput in this process on the same text, for comparison;
- ``lexrank``: ``--flood-clients`` clients (8) post 4,000-sentence texts with lexrank for
  ``--flood-seconds`` (60); then the sample article is posted until it is answered 200 in
  under 100 ms: seconds from the last 504/422 to that answer, and CPU and RSS of the server;
- ``overload``: ``--overload-clients`` (128) clients post the sample article for
  ``--overload-seconds`` (20): status counts, 503s with ``Retry-After``, p50/p99 of the 200s;
- ``methods``: ``--methods-count`` (20,000) requests with random HTTP methods, then the size of
  ``/metrics``;
- ``repros``: each malformed request of the hardening issue, with the status it must get;
- ``token_job``: a job of one 1 MB unbroken token, then a one-article job: seconds each took
  (the article within 60 s, the token within 120 s, an error entry or a summary);
- ``supervisor``: ``--supervisor-boots`` (5) fresh servers of its own (whatever ``--url``):
  the job worker SIGKILLed on each; boots where a new one came within 15 s and a later job
  succeeded.

Prints one JSON object per attack (``--out`` also writes them all to a file). The server's RSS
and CPU come from ``/proc`` (Linux) for the gunicorn master ``--pid`` and all its descendants
(workers, their child processes and forkservers). Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import string
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SAMPLE = ROOT.parent / "shared" / "samples" / "scraped-news-article.txt"
WORDS = (
    "market", "bank", "rates", "council", "vote", "minister", "report", "police", "court", "city",
    "river", "storm", "school", "budget", "election", "energy", "prices", "company", "shares",
    "health", "hospital", "water", "road", "train", "airport", "fire", "coast", "village",
    "farmers", "weather", "museum", "players", "season", "league", "goal", "film", "music",
    "festival", "science",
)


@dataclass
class Answer:
    """One HTTP answer: status (0 when the connection failed), headers, body, seconds."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


class Client:
    """A keep-alive HTTP/1.1 connection to the server (reconnects when the server closes it)."""

    def __init__(self, base: str, timeout: float = 120.0) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        """Send one request; a failed connection is answered with status 0."""
        started = time.perf_counter()
        for attempt in range(2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=body, headers=headers or {})
                response = self._conn.getresponse()
                data = response.read()
                answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data,
                                time.perf_counter() - started)
                if answer.headers.get("connection", "").lower() == "close":
                    self.close()
                return answer
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt:
                    break
        return Answer(0, {}, b"", time.perf_counter() - started)

    def post_json(self, path: str, data: Any) -> Answer:
        """POST ``data`` as JSON."""
        return self.request("POST", path, json.dumps(data).encode("utf-8"), {"Content-Type": "application/json"})

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# -- the server's processes ---------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux ``/proc``)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def usage(pid: int | None) -> dict[str, float] | None:
    """RSS (MiB, summed) and CPU seconds (user + system) of ``pid`` and its descendants."""
    if pid is None:
        return None
    rss = cpu = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    processes = descendants(pid)
    for p in processes:
        try:
            with open(f"/proc/{p}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
            rss += int(fields[21]) * page / (1024 * 1024)
        except (OSError, IndexError, ValueError):
            continue
    return {"rss_mb": round(rss, 1), "cpu_seconds": round(cpu, 2), "processes": len(processes)}


def cpu_busy(pid: int | None, seconds: float = 1.0) -> float | None:
    """Cores the server used over ``seconds`` (0 when idle)."""
    before = usage(pid)
    if before is None:
        return None
    time.sleep(seconds)
    after = usage(pid)
    assert after is not None
    return round((after["cpu_seconds"] - before["cpu_seconds"]) / seconds, 2)


# -- load ---------------------------------------------------------------------------------------


#: Client threads per load-generating process: a single Python process cannot drive a hundred
#: connections without its own GIL adding to the latencies it measures.
THREADS_PER_PROCESS = 16


def load(base: str, clients: int, seconds: float, make: Callable[[Client, int], Answer],
         max_requests: int = 1_000_000) -> list[Answer]:
    """``clients`` connections each sending ``make(client, i)`` until ``seconds`` or ``max_requests``.

    Beyond :data:`THREADS_PER_PROCESS` clients the load comes from several forked processes
    (the answers' bodies are not kept then).
    """
    if clients <= THREADS_PER_PROCESS:
        return _load_threads(base, clients, seconds, make, max_requests)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    processes = -(-clients // THREADS_PER_PROCESS)
    queue = context.Queue()
    share = -(-max_requests // processes)
    workers = []
    for k in range(processes):
        threads = clients // processes + (k < clients % processes)
        worker = context.Process(target=_load_process,
                                 args=(queue, base, threads, seconds, make, share, k * share), daemon=True)
        worker.start()
        workers.append(worker)
    answers: list[Answer] = []
    for _ in workers:
        answers.extend(Answer(status, headers, b"", took) for status, headers, took in queue.get())
    for worker in workers:
        worker.join(30)
    return answers


def _load_process(queue: Any, base: str, clients: int, seconds: float, make: Callable[[Client, int], Answer],
                  max_requests: int, offset: int) -> None:
    answers = _load_threads(base, clients, seconds, lambda c, i: make(c, offset + i), max_requests)
    queue.put([(a.status, {k: v for k, v in a.headers.items() if k == "retry-after"}, a.seconds)
               for a in answers])


def _load_threads(base: str, clients: int, seconds: float, make: Callable[[Client, int], Answer],
                  max_requests: int) -> list[Answer]:
    answers: list[Answer] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(max_requests))

    def worker() -> None:
        client = Client(base)
        try:
            while time.monotonic() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                answer = make(client, i)
                with lock:
                    answers.append(answer)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 180)
    return answers


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) of ``values``, in milliseconds rounded, or ``None``."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def summary_of(answers: list[Answer], seconds: float | None = None) -> dict[str, Any]:
    """Status counts, p50/p99 of the 200s, throughput."""
    ok = [a.seconds for a in answers if a.status == 200]
    out: dict[str, Any] = {
        "requests": len(answers),
        "statuses": dict(sorted(Counter(a.status for a in answers).items())),
        "p50_ms_200": percentile(ok, 0.5),
        "p99_ms_200": percentile(ok, 0.99),
    }
    if seconds:
        out["ok_per_second"] = round(len(ok) / seconds, 1)
    busy = [a for a in answers if a.status == 503]
    if busy:
        out["503_with_retry_after"] = sum(1 for a in busy if "retry-after" in a.headers)
        out["p99_ms_503"] = percentile([a.seconds for a in busy], 0.99)
    return out


def long_text(sentences: int, seed: int) -> str:
    """``sentences`` lines of 12 random words each."""
    rng = random.Random(seed)
    return "\n".join(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(sentences))


# -- attacks ------------------------------------------------------------------------------------


def attack_cost(base: str, pid: int | None, sample: str, args: argparse.Namespace) -> dict[str, Any]:
    """Latency of a normal request, the service's throughput, the library's throughput."""
    import summarizers

    body = {"text": sample, "method": "lexrank"}
    client = Client(base)
    for _ in range(5):  # warm every worker's children
        client.post_json("/v1/summarize", body)
    sequential = [client.post_json("/v1/summarize", body) for _ in range(args.cost_requests)]
    client.close()
    started = time.perf_counter()
    parallel = load(base, args.cost_clients, args.cost_seconds, lambda c, i: c.post_json("/v1/summarize", body))
    elapsed = time.perf_counter() - started
    registry = summarizers.default_registry()
    summarizers.summarize(sample, method="lexrank", registry=registry)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < args.cost_seconds / 2:
        summarizers.summarize(sample, method="lexrank", registry=registry)
        count += 1
    library = count / (time.perf_counter() - started)
    return {
        "isolation_overhead_ms": isolation_overhead(sample, registry),
        "attack": "cost",
        "sequential": summary_of(sequential),
        "parallel": {"clients": args.cost_clients, **summary_of(parallel, elapsed)},
        "library_per_second_one_core": round(library, 1),
        "cores": os.cpu_count(),
        "server": usage(pid),
    }


def isolation_overhead(sample: str, registry: Any, rounds: int = 40) -> dict[str, float]:
    """Median milliseconds of the same summary called directly and through a one-child
    :class:`summarizers_service.processes.RequestChildren` (interleaved, so both see the same machine load)."""
    from summarizers import Registry
    from summarizers_service.processes import RequestChildren
    from summarizers_service.tasks import GivenRegistry, SummarizeTask

    task = SummarizeTask(registry.prepare("lexrank").to_wire(), {"text": sample})
    pool = RequestChildren(1, GivenRegistry(Registry([registry.get("lexrank")])))
    try:
        pool.run(task, 120)
        direct, isolated = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            task(registry)
            direct.append(time.perf_counter() - started)
            started = time.perf_counter()
            pool.run(task, 120)
            isolated.append(time.perf_counter() - started)
    finally:
        pool.close()
    return {"direct": round(statistics.median(direct) * 1000, 2),
            "in_a_child": round(statistics.median(isolated) * 1000, 2)}


def attack_lexrank(base: str, pid: int | None, sample: str, args: argparse.Namespace) -> dict[str, Any]:
    """Clients flood lexrank with 4,000-sentence texts; then how fast normal service returns."""
    idle_before = usage(pid)
    texts = [long_text(args.flood_sentences, seed) for seed in range(args.flood_clients)]
    answers = load(base, args.flood_clients, args.flood_seconds,
                   lambda c, i: c.post_json("/v1/summarize", {"text": texts[i % len(texts)], "method": "lexrank"}),
                   max_requests=10_000)
    last_refusal = time.perf_counter()
    client = Client(base)
    recovered = None
    tries = 0
    while time.perf_counter() - last_refusal < 30:
        answer = client.post_json("/v1/summarize", {"text": sample, "method": "lexrank"})
        tries += 1
        if answer.status == 200 and answer.seconds < 0.1:
            recovered = round(time.perf_counter() - last_refusal, 2)
            break
        time.sleep(0.05)
    after = [client.post_json("/v1/summarize", {"text": sample, "method": "lexrank"}) for _ in range(20)]
    client.close()
    time.sleep(1)
    return {
        "attack": "lexrank",
        "clients": args.flood_clients,
        "seconds": args.flood_seconds,
        "sentences": args.flood_sentences,
        "text_kb": round(len(texts[0].encode()) / 1024),
        "flood": summary_of(answers),
        "seconds_to_fast_200": recovered,
        "probes_until_then": tries,
        "sample_after": summary_of(after),
        "server_before": idle_before,
        "server_after": usage(pid),
        "cores_busy_after": cpu_busy(pid, 2.0),
    }


def attack_overload(base: str, pid: int | None, sample: str, args: argparse.Namespace) -> dict[str, Any]:
    """Many clients on the sample article: 503s with Retry-After, bounded latency of the 200s."""
    body = {"text": sample, "method": "lexrank"}
    started = time.perf_counter()
    answers = load(base, args.overload_clients, args.overload_seconds,
                   lambda c, i: c.post_json("/v1/summarize", body), max_requests=200_000)
    return {"attack": "overload", "clients": args.overload_clients,
            **summary_of(answers, time.perf_counter() - started), "server_after": usage(pid)}


def attack_methods(base: str, pid: int | None, sample: str, args: argparse.Namespace) -> dict[str, Any]:
    """Random HTTP methods: /metrics must stay small."""
    client = Client(base)
    before = len(client.request("GET", "/metrics").body)
    rng = random.Random(7)
    methods = ["".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(3, 12)))
               for _ in range(args.methods_count)]
    answers = load(base, 8, 600, lambda c, i: c.request(methods[i], "/healthz"), max_requests=len(methods))
    after = client.request("GET", "/metrics")
    client.close()
    return {"attack": "methods", "requests": len(answers),
            "statuses": dict(sorted(Counter(a.status for a in answers).items())),
            "metrics_bytes_before": before, "metrics_bytes_after": len(after.body),
            "metrics_scrape_ms": round(after.seconds * 1000, 1), "server_after": usage(pid)}


def _raw(base: str, data: bytes, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes; the status, headers and body of the answer."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
            length = [int(v) for k, v in (ln.split(b":", 1) for ln in head.split(b"\r\n")[1:] if b":" in ln)
                      if k.strip().lower() == b"content-length"]
            if length and len(body) >= length[0]:
                break
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return 0, {}, raw
    headers = {k.strip().lower().decode(): v.strip().decode("latin-1")
               for k, v in (ln.split(b":", 1) for ln in lines[1:] if b":" in ln)}
    return status, headers, body


def _chunked(path: str, body: bytes, size: int = 65536) -> bytes:
    pieces = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode() + b"".join(pieces) + b"0\r\n\r\n"


def repros() -> list[tuple[str, Callable[[str], tuple[int, dict[str, str], bytes]], int]]:
    """(name, request, expected status) of each malformed request of the hardening issue."""
    text = "Hello world. Bye now."
    huge = "1" + "0" * 400

    def post(body: str, path: str = "/v1/summarize") -> Callable[[str], tuple[int, dict[str, str], bytes]]:
        data = body.encode("utf-8")
        request = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data
        return lambda base: _raw(base, request)

    def raw(data: bytes) -> Callable[[str], tuple[int, dict[str, str], bytes]]:
        return lambda base: _raw(base, data)

    spaces = b" " * (3 * 1024 * 1024)
    cases = [
        ("huge int option", post(f'{{"text": "{text}", "options": {{"order": {huge}}}}}'), 422),
        ("huge int seed", post(f'{{"text": "{text}", "method": "random", "options": {{"seed": {huge}}}}}'), 422),
        ("huge int num_beams", post(f'{{"text": "{text}", "options": {{"num_beams": {huge}}}}}'), 422),
        ("1e400 ratio", post(f'{{"text": "{text}", "length": {{"ratio": 1e400}}}}'), 422),
        ("NaN ratio", post(f'{{"text": "{text}", "length": {{"ratio": NaN}}}}'), 422),
        ("5000-digit int", post(f'{{"text": "{text}", "length": {{"words": 1{"0" * 5000}}}}}'), 422),
        ("huge int in batch", post(f'{{"documents": [{{"text": "{text}"}}], "length": {{"words": {huge}}}}}',
                                   "/v1/summarize/batch"), 422),
        ("whole-number float words", post(f'{{"text": "{text}", "length": {{"words": 77214.0}}}}'), 200),
        ("short HTML", post('{"html": "<p>Hello world. This is text.</p>"}'), 200),
        ("UTF-16 body", raw(b"POST /v1/summarize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Connection: close\r\nContent-Length: %d\r\n\r\n%s"
                            % (len(json.dumps({"text": text}).encode("utf-16")),
                               json.dumps({"text": text}).encode("utf-16"))), 400),
        ("chunked body + 3 MiB of spaces", raw(_chunked("/v1/summarize", json.dumps({"text": text}).encode() + spaces)),
         413),
        ("chunked body, key after 1 MiB", raw(_chunked("/v1/summarize", b"{" + spaces + b'"text": "x"}')), 413),
        ("long path", raw(b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"), 414),
        ("large headers", raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                              + b"".join(b"X-H%d: v\r\n" % i for i in range(200)) + b"\r\n"), 431),
        ("NUL in a header", raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n"), 400),
    ]
    return cases


def attack_repros(base: str, pid: int | None, sample: str, args: argparse.Namespace) -> dict[str, Any]:
    """Each repro with the status it got and whether the body is the JSON envelope."""
    results = []
    for name, send, expected in repros():
        status, headers, body = send(base)
        try:
            envelope = "error" in json.loads(body) if status != 200 else True
        except ValueError:
            envelope = False
        results.append({"case": name, "expected": expected, "status": status, "json": envelope,
                        "ok": status == expected and envelope,
                        "retry_after": headers.get("retry-after")})
    return {"attack": "repros", "passed": sum(r["ok"] for r in results), "of": len(results), "cases": results}


def _job(base: str, body: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
    answer = Client(base, timeout=timeout).request("POST", "/v1/jobs", json.dumps(body).encode(),
                                                  {"Content-Type": "application/json"})
    return json.loads(answer.body or b"{}") if answer.status == 202 else {"status_code": answer.status}


def _wait_job(base: str, job_id: str, limit: float) -> tuple[str, float]:
    """The job's final status (or its last one) and the seconds it took to get there."""
    started = time.monotonic()
    status = "unknown"
    while time.monotonic() - started < limit:
        answer = Client(base, timeout=10).request("GET", f"/v1/jobs/{job_id}")
        status = json.loads(answer.body or b"{}").get("status", status)
        if status in ("succeeded", "partially_succeeded", "failed", "cancelled"):
            break
        time.sleep(0.5)
    return status, time.monotonic() - started


def attack_token_job(base: str, pid: int | None, sample: str, args: argparse.Namespace) -> dict[str, Any]:
    """A job of one 1 MB unbroken token, then a one-article job: both must end, the second
    within 60 s, the first within 120 s."""
    hostile = _job(base, {"method": "newsrank", "documents": [{"text": "a" * 1_000_000}]}, timeout=60)
    normal = _job(base, {"method": "newsrank", "documents": [{"text": sample}]})
    if "id" not in hostile or "id" not in normal:
        return {"attack": "token_job", "error": "jobs refused", "answers": [hostile, normal]}
    normal_status, normal_seconds = _wait_job(base, normal["id"], 120)
    hostile_status, hostile_seconds = _wait_job(base, hostile["id"], 180)
    return {"attack": "token_job", "normal": {"status": normal_status, "seconds": round(normal_seconds, 1)},
            "token_1mb": {"status": hostile_status, "seconds": round(hostile_seconds, 1)},
            "held": normal_status == "succeeded" and normal_seconds < 60 and hostile_seconds < 120}


def attack_supervisor(base: str, pid: int | None, sample: str, args: argparse.Namespace) -> dict[str, Any]:
    """``--supervisor-boots`` fresh servers of our own (5): SIGKILL the job worker on each, count
    the boots where a new one came within 15 s and a job submitted afterwards succeeded."""
    boots: list[dict[str, Any]] = []
    for boot in range(args.supervisor_boots):
        folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"stress-supervisor-{os.getpid()}-{boot}"
        folder.mkdir(parents=True, exist_ok=True)
        env = {"SUMMARIZE_WORKERS": str(args.workers), "SUMMARIZE_JOBS_WORKERS": "1",
               "SUMMARIZE_JOBS_DB": str(folder / "jobs.db")}
        with gunicorn(env, folder / "gunicorn.log") as (own, _):
            def workers() -> dict[str, Any]:
                body = json.loads(Client(own, timeout=10).request("GET", "/readyz").body or b"{}")
                return body.get("job_workers") or body.get("error", {}).get("details", {}).get("job_workers") or {}
            first = workers()
            if not first.get("pids"):
                boots.append({"boot": boot, "restarted": False, "reason": "no job worker reported"})
                continue
            os.kill(first["pids"][0], signal.SIGKILL)
            killed = time.monotonic()
            while time.monotonic() - killed < 15:
                now = workers()
                if now.get("ok") and now.get("pids") and now["pids"][0] != first["pids"][0]:
                    break
                time.sleep(0.2)
            restarted_in = time.monotonic() - killed
            job = _job(own, {"method": "lead", "documents": [{"text": sample}]})
            status = _wait_job(own, job["id"], 60)[0] if "id" in job else "refused"
            boots.append({"boot": boot, "restarted": restarted_in < 15, "seconds": round(restarted_in, 1),
                          "job": status})
    ok = sum(1 for b in boots if b.get("restarted") and b.get("job") == "succeeded")
    return {"attack": "supervisor", "boots": len(boots), "restarted_and_job_succeeded": ok, "detail": boots}


ATTACKS: dict[str, Callable[[str, int | None, str, argparse.Namespace], dict[str, Any]]] = {
    "cost": attack_cost,
    "repros": attack_repros,
    "methods": attack_methods,
    "overload": attack_overload,
    "lexrank": attack_lexrank,
    "token_job": attack_token_job,
    "supervisor": attack_supervisor,
}


# -- a server of our own ------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """gunicorn with ``service/gunicorn.conf.py`` on a free loopback port: ``(base url, pid)``; its
    jobs database beside ``log`` (never in the working directory) unless ``env`` names one."""
    port = free_port()
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZE_", "PROMETHEUS_"))}
    full.update({"HOST": "127.0.0.1", "PORT": str(port), "SUMMARIZE_PRELOAD": "",
                 "SUMMARIZE_JOBS_DB": str(log.with_suffix(".jobs.db")), **env})
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "service/gunicorn.conf.py",
                                    "summarizers_service.app:create_app()"], cwd=ROOT, env=full, stdout=out,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while Client(base, timeout=2).request("GET", "/readyz").status != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.3)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    """Run the attacks; print one JSON object per attack."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stress", description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="the running service, e.g. http://127.0.0.1:8000")
    where.add_argument("--start", action="store_true", help="start gunicorn on a free loopback port")
    parser.add_argument("--pid", type=int, help="pid of the gunicorn master (for RSS and CPU)")
    parser.add_argument("--workers", type=int, default=2, help="with --start: gunicorn workers (default 2)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="with --start: a SUMMARIZE_* setting for the server (repeatable)")
    parser.add_argument("--attacks", default=",".join(ATTACKS), help=f"comma-separated: {', '.join(ATTACKS)}")
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE, help="the normal article")
    parser.add_argument("--cost-requests", type=int, default=100)
    parser.add_argument("--cost-clients", type=int, default=4)
    parser.add_argument("--cost-seconds", type=float, default=10)
    parser.add_argument("--flood-clients", type=int, default=8)
    parser.add_argument("--flood-seconds", type=float, default=60)
    parser.add_argument("--flood-sentences", type=int, default=4000)
    parser.add_argument("--overload-clients", type=int, default=128)
    parser.add_argument("--overload-seconds", type=float, default=20)
    parser.add_argument("--methods-count", type=int, default=20_000)
    parser.add_argument("--supervisor-boots", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the results (a JSON list) here")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.attacks.split(",") if n.strip()]
    unknown = [n for n in names if n not in ATTACKS]
    if unknown:
        parser.error(f"unknown attack(s): {', '.join(unknown)}")
    sample = args.sample.read_text(encoding="utf-8")
    results: list[dict[str, Any]] = []

    def run(base: str, pid: int | None) -> None:
        for name in names:
            result = ATTACKS[name](base, pid, sample, args)
            print(json.dumps(result), flush=True)
            results.append(result)

    if args.start:
        env = {"SUMMARIZE_WORKERS": str(args.workers)}
        env.update(item.split("=", 1) for item in args.env)  # type: ignore[arg-type]
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"stress-gunicorn-{os.getpid()}.log"
        with gunicorn(env, log) as (base, pid):
            run(base, pid)
    else:
        run(args.url, args.pid)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

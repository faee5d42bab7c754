"""Dump what the CLI, the service, ``summarize batch`` and ``summarize-eval run`` answer on the
sample article and the BBC set, so that two trees can be shown to behave the same.

Usage (from a worktree root, with that tree first on the path)::

    PYTHONPATH=$PWD python scripts/snapshot_outputs.py OUT_DIR [--bbc-limit N]

Writes ``OUT_DIR/<surface>/...`` files and ``OUT_DIR/manifest.json`` (a SHA-256 and a record
count per file). Timings (``elapsed_seconds``, ``seconds``) and dates are dropped, everything
else is kept byte for byte. Compare two snapshots with ``diff A/manifest.json B/manifest.json``.
Only stable interfaces are used (console commands, ``create_app``, HTTP JSON), so the script
runs unchanged on a tree before and after a refactor. The abstractive method runs a tiny random
model built locally (no download), with the ``extract`` policy so that its extract scorer runs.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path.cwd()
SHARED = Path(os.environ.get("SUMMARIZE_SHARED_DIR", ROOT.parent / "shared"))
SAMPLE = SHARED / "samples" / "scraped-news-article.txt"
BBC = SHARED / "datasets" / "bbc-news-summary" / "bbc-news-summary.jsonl"
EXTRACTIVE = ["newsrank", "lead", "lexrank", "luhn", "lsa", "textrank", "sumbasic", "kl", "edmundson", "random"]
TIMING_KEYS = {"elapsed_seconds", "seconds", "docs_per_second", "created", "finished", "started", "date", "versions",
               "python", "platform", "generated_at", "timestamp"}


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _dump(path: Path, records: list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(_strip(record), ensure_ascii=False, sort_keys=True) + "\n")


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, input=stdin,
                          capture_output=True, text=True, check=False)


def cli_outputs(out: Path, env: dict[str, str]) -> None:
    """``summarize text --json`` on the sample with every extractive method, and the abstractive one."""
    records = []
    for method in [*EXTRACTIVE, "abstractive"]:
        extra = ["--long-input", "extract", "--num-beams", "1", "--max-new-tokens", "16"] \
            if method == "abstractive" else []
        for length in (["-n", "3"], ["-w", "60"], ["-r", "0.2"]):
            done = _run(["-m", "summarizers.cli.main", "text", str(SAMPLE), "--json", "-m", method,
                         *length, *extra], env)
            records.append({"method": method, "length": length, "rc": done.returncode,
                            "out": json.loads(done.stdout) if done.returncode == 0 else done.stderr.strip()})
    _dump(out / "cli" / "text.jsonl", records)


def _app_module() -> str:
    """The service's import name in this tree (``service`` before the packaging step)."""
    return "summarizers_service" if importlib.util.find_spec("summarizers_service") else "service"


def _eval_module() -> str:
    """The harness's import name in this tree (``eval`` before the packaging step)."""
    return "summarizers_eval" if importlib.util.find_spec("summarizers_eval") else "eval"


def service_outputs(out: Path, bbc: list[dict[str, Any]]) -> None:
    """``POST /v1/summarize`` on the sample, ``POST /v1/summarize/batch`` on BBC records."""
    create_app = importlib.import_module(f"{_app_module()}.app").create_app

    client = create_app({"preload": [], "max_batch": 1000}).test_client()
    sample = SAMPLE.read_text(encoding="utf-8")
    records = []
    for method in EXTRACTIVE:
        for offsets in ("codepoint", "utf16"):
            body = {"text": sample, "method": method, "length": {"sentences": 3}, "offsets": offsets,
                    "options": {"order": "rank"} if offsets == "utf16" else {}}
            response = client.post("/v1/summarize", json=body)
            records.append({"method": method, "offsets": offsets, "status": response.status_code,
                            "body": response.get_json()})
    for bad in ({"text": sample, "length": {"sentences": 0}}, {"text": sample, "method": "nope"},
                {"text": sample, "options": {"bogus": 1}}, {"text": sample, "language": "klingon"}):
        response = client.post("/v1/summarize", json=bad)
        records.append({"bad": bad.get("method") or bad.get("language") or bad.get("length") or bad.get("options"),
                        "status": response.status_code, "code": response.get_json()["error"]["code"]})
    _dump(out / "service" / "summarize.jsonl", records)
    batch = []
    for method in ("newsrank", "lead", "lexrank", "textrank"):
        for start in range(0, len(bbc), 500):
            documents = [{"id": r["id"], "text": r["document"]} for r in bbc[start:start + 500]]
            response = client.post("/v1/summarize/batch",
                                   json={"documents": documents, "method": method, "length": {"words": 50}})
            batch.append({"method": method, "start": start, "status": response.status_code,
                          "body": response.get_json()})
    _dump(out / "service" / "batch.jsonl", batch)


def batch_outputs(out: Path, bbc: list[dict[str, Any]], env: dict[str, str], tmp: Path) -> None:
    """``summarize batch`` on the BBC records (two methods; per-record overrides on some)."""
    source = tmp / "bbc.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for i, r in enumerate(bbc):
            record: dict[str, Any] = {"id": r["id"], "text": r["document"]}
            if i % 7 == 3:
                record["method"] = "luhn"
            if i % 11 == 5:
                record["length"] = {"ratio": 0.3}
            f.write(json.dumps(record) + "\n")
    for method in ("newsrank", "lexrank", "lsa"):
        target = tmp / f"batch-{method}.jsonl"
        done = _run(["-m", "summarizers.cli.main", "batch", str(source), "--out", str(target), "-m", method,
                     "-n", "2", "--jobs", "2", "--progress", "off", "--order", "rank"], env)
        lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] \
            if target.exists() else []
        lines.sort(key=lambda r: json.dumps(r["id"]))
        _dump(out / "batch" / f"{method}.jsonl", [{"rc": done.returncode}, *lines])


def eval_outputs(out: Path, bbc: list[dict[str, Any]], env: dict[str, str], tmp: Path) -> None:
    """``summarize-eval run`` on the BBC records: predictions and scores."""
    source = tmp / "bbc-eval.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for r in bbc:
            f.write(json.dumps(r) + "\n")
    run_dir = tmp / "eval"
    done = _run(["-m", f"{_eval_module()}.cli", "run", "--dataset", str(source),
                 "--methods", "lead,lexrank,random,oracle",
                 "--match-reference", "--out", str(run_dir), "--jobs", "2", "--bootstrap-samples", "200",
                 "--no-progress"], env)
    predictions = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()] \
        if (run_dir / "predictions.jsonl").exists() else []
    predictions.sort(key=lambda r: (json.dumps(r["id"]), r["method"]))
    _dump(out / "eval" / "predictions.jsonl", [{"rc": done.returncode, "stderr": done.stderr[-500:]},
                                               *predictions])
    scores = json.loads((run_dir / "scores.json").read_text()) if (run_dir / "scores.json").exists() else {}
    _dump(out / "eval" / "scores.jsonl", [scores.get("methods")])


def _http(method: str, url: str, body: Any = None, accept: str = "application/json") -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            raw = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read().decode(), exc.code
    if accept == "application/x-ndjson" and status == 200:
        return status, [json.loads(line) for line in raw.splitlines() if line]
    return status, json.loads(raw) if raw else None


@contextlib.contextmanager
def _gunicorn(env: dict[str, str], tmp: Path) -> Any:
    """The real service (one web worker, one job worker) on a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZE_")}, **env,
           "SUMMARIZE_JOBS_DB": str(tmp / "jobs.db"), "SUMMARIZE_JOBS_WORKERS": "1", "SUMMARIZE_WORKERS": "1"}
    log = (tmp / "gunicorn.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "service/gunicorn.conf.py", "--bind",
                                f"127.0.0.1:{port}", f"{_app_module()}.app:create_app()"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                if _http("GET", base + "/readyz")[0] == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError((tmp / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()
        log.close()


def _wait(base: str, path: str, limit: float = 1800) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while True:
        _, job = _http("GET", base + path)
        if job and job.get("status") in {"succeeded", "partially_succeeded", "failed", "cancelled"}:
            return job
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} not done: {job}")
        time.sleep(1)


def jobs_outputs(out: Path, bbc: list[dict[str, Any]], env: dict[str, str], tmp: Path) -> None:
    """``POST /v1/jobs`` (BBC records, newsrank and lexrank) and ``POST /v1/digests`` on real gunicorn."""
    documents = [{"id": r["id"], "text": r["document"]} for r in bbc]
    documents.append({"id": "bad-both", "text": "One sentence here.", "html": "<p>Other.</p>"})
    records: list[Any] = []
    digests: list[Any] = []
    with _gunicorn(env, tmp) as base:
        for method in ("newsrank", "lexrank"):
            status, job = _http("POST", base + "/v1/jobs", {"documents": documents, "method": method,
                                                            "length": {"sentences": 2}})
            if status != 202:
                records.append({"method": method, "status": status, "body": job})
                continue
            final = _wait(base, f"/v1/jobs/{job['id']}")
            _, results = _http("GET", base + f"/v1/jobs/{job['id']}/results", accept="application/x-ndjson")
            records.append({"method": method, "status": final["status"], "counts": final.get("counts")})
            records.extend(sorted(results, key=lambda r: json.dumps(r.get("id"))))
        digest_docs = [{"id": r["id"], "text": r["document"], "title": r.get("title")} for r in bbc[:300]]
        status, job = _http("POST", base + "/v1/digests", {"documents": digest_docs, "length": {"words": 70}})
        if status == 202:
            _wait(base, f"/v1/digests/{job['id']}")
            status, result = _http("GET", base + f"/v1/digests/{job['id']}/result")
            digests.append({"status": status, "result": result})
        else:
            digests.append({"status": status, "body": job})
    _dump(out / "jobs" / "jobs.jsonl", records)
    _dump(out / "jobs" / "digest.jsonl", digests)


def digest_outputs(out: Path, bbc: list[dict[str, Any]], env: dict[str, str], tmp: Path) -> None:
    """``summarize digest`` on BBC records (JSON and Markdown) and on MultiLing English with --group-by."""
    source = tmp / "digest.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for r in bbc[:300]:
            f.write(json.dumps({"id": r["id"], "text": r["document"], "title": r.get("title")}) + "\n")
        f.write(json.dumps({"id": "bad-both", "text": "One sentence here.", "html": "<p>Other.</p>"}) + "\n")
    records = []
    for fmt, length in (("json", ["--words", "70"]), ("markdown", ["--sentences", "2"])):
        target = tmp / f"digest.{fmt}"
        done = _run(["-m", "summarizers.cli.main", "digest", str(source), "--out", str(target), "--format", fmt,
                     *length, "--no-progress"], env)
        text = target.read_text(encoding="utf-8") if target.exists() else ""
        records.append({"format": fmt, "rc": done.returncode,
                        "out": json.loads(text) if fmt == "json" and text else text})
    multiling = SHARED / "datasets" / "multiling2011" / "multiling2011.jsonl"
    if multiling.exists():
        target = tmp / "multiling.jsonl"
        with target.open("w", encoding="utf-8") as f, multiling.open(encoding="utf-8") as lines:
            for line in lines:
                r = json.loads(line)
                if r.get("lang") == "en":
                    for d in r["documents"]:
                        f.write(json.dumps({"id": d["id"], "title": d.get("title"), "text": d["text"],
                                            "topic": r["topic"]}) + "\n")
        done = _run(["-m", "summarizers.cli.main", "digest", str(target), "--group-by", "topic", "--words", "100",
                     "--no-progress"], env)
        records.append({"multiling": True, "rc": done.returncode,
                        "out": json.loads(done.stdout) if done.returncode == 0 else done.stderr[-500:]})
    _dump(out / "digest" / "cli.jsonl", records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--bbc-limit", type=int, default=None)
    args = parser.parse_args()
    bbc = [json.loads(line) for line in BBC.read_text(encoding="utf-8").splitlines()][: args.bbc_limit]
    model = Path(tempfile.gettempdir()) / "snapshot-tiny-bart"  # one fixed path: it shows in the results
    if not (model / "config.json").exists():
        from summarizers.testing import make_tiny_model

        make_tiny_model(model, "bart")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = {"HF_HUB_OFFLINE": "1", "SUMMARIZE_ABSTRACTIVE_MODEL": str(model), "SUMMARIZE_MODELS": "",
               "SUMMARIZE_TORCH_THREADS": "1", "PYTHONPATH": str(ROOT)}
        os.environ.update(env)
        cli_outputs(args.out, env)
        service_outputs(args.out, bbc)
        batch_outputs(args.out, bbc, env, tmp)
        eval_outputs(args.out, bbc, env, tmp)
        digest_outputs(args.out, bbc, env, tmp)
        jobs_outputs(args.out, bbc, env, tmp)
    manifest = {}
    for path in sorted(args.out.rglob("*.jsonl")):
        data = path.read_bytes()
        manifest[str(path.relative_to(args.out))] = {"sha256": hashlib.sha256(data).hexdigest(),
                                                     "records": data.count(b"\n")}
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

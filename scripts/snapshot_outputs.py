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
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path.cwd()
SHARED = Path(os.environ.get("SUMMARIZE_SHARED_DIR", ROOT.parent / "shared"))
SAMPLE = SHARED / "samples" / "scraped-news-article.txt"
BBC = SHARED / "datasets" / "bbc-news-summary" / "bbc-news-summary.jsonl"
EXTRACTIVE = ["lead", "lexrank", "luhn", "lsa", "textrank", "sumbasic", "kl", "edmundson", "random"]
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


def service_outputs(out: Path, bbc: list[dict[str, Any]]) -> None:
    """``POST /v1/summarize`` on the sample, ``POST /v1/summarize/batch`` on BBC records."""
    from service.app import create_app

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
    for method in ("lead", "lexrank", "textrank"):
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
    for method in ("lexrank", "lsa"):
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
    done = _run(["-m", "eval.cli", "run", "--dataset", str(source), "--methods", "lead,lexrank,random,oracle",
                 "--match-reference", "--out", str(run_dir), "--jobs", "2", "--bootstrap-samples", "200",
                 "--no-progress"], env)
    predictions = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()] \
        if (run_dir / "predictions.jsonl").exists() else []
    predictions.sort(key=lambda r: (json.dumps(r["id"]), r["method"]))
    _dump(out / "eval" / "predictions.jsonl", [{"rc": done.returncode, "stderr": done.stderr[-500:]},
                                               *predictions])
    scores = json.loads((run_dir / "scores.json").read_text()) if (run_dir / "scores.json").exists() else {}
    _dump(out / "eval" / "scores.jsonl", [scores.get("methods")])


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

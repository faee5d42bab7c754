"""``summarize-eval`` as a user runs it: a run killed with SIGKILL and resumed, ``score`` with
several references, ``compare``, ``--endpoint`` against a local HTTP server, error messages."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eval_helpers import numbers, synthetic_records, write_dataset
from flask import Flask, jsonify, request
from rouge_score import rouge_scorer
from werkzeug.serving import make_server

import summarizers
from summarizers import Length
from summarizers_eval.cli import main
from summarizers_eval.datasets import load_examples
from summarizers_eval.predictions import read_predictions
from summarizers_eval.runner import RunConfig, run_evaluation
from summarizers_eval.scoring import ROUGE_TYPES, one_sentence_per_line

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # same thread settings as this process: see docs
    return subprocess.Popen([sys.executable, "-m", "summarizers_eval.cli", *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_run_killed_with_sigkill_resumes_to_the_same_numbers(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "d.jsonl", synthetic_records(150))
    args = ["run", "--dataset", str(data), "--methods", "lead,textrank,lsa,oracle", "--sentences", "2",
            "--seed", "3", "--bootstrap-samples", "200", "--out", str(tmp_path / "out")]
    predictions = tmp_path / "out/predictions.jsonl"
    proc = cli(*args)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if predictions.exists() and predictions.read_text().count("\n") >= 40:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    before = read_predictions(predictions)
    assert 40 <= len(before) < 600
    with open(predictions, "a") as f:
        f.write('{"id": "doc-1')  # as if killed half-way through a line
    again = cli(*args)
    stdout, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert "oracle" in stdout and "Traceback" not in stderr
    after = read_predictions(predictions)
    assert len(after) == 600 and len(predictions.read_text().splitlines()) == 600
    assert all(after[k] == v for k, v in before.items())  # nothing recomputed
    examples, info = load_examples(data)
    config = RunConfig(("lead", "textrank", "lsa", "oracle"), Length(sentences=2), seed=3, bootstrap_samples=200)
    straight = run_evaluation(config, examples, info, tmp_path / "straight", progress=False)
    assert numbers(json.loads((tmp_path / "out/scores.json").read_text())) == numbers(straight)


@pytest.mark.slow
def test_score_with_several_references_equals_rouge_score(tmp_path: Path) -> None:
    records = [{"id": f"x{i}", "document": r["document"], "refs": [r["summary"], f"Another reference {i}."]}
               for i, r in enumerate(synthetic_records(4))]
    data = write_dataset(tmp_path / "d.jsonl", records)
    outputs = [{"id": "x0", "summary": "The council announced a plan in Leeds.", "system": "A"},
               {"id": "x1", "summary": "Another reference 1. Banks cut prices.", "system": "A"},
               {"id": "x0", "summary": "Nothing relevant.", "system": "B"}]
    preds = write_dataset(tmp_path / "p.jsonl", outputs)
    proc = cli("score", "--predictions", str(preds), "--dataset", str(data), "--summary-field", "refs",
               "--out", str(tmp_path / "out"))
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    scores = json.loads((tmp_path / "out/scores.json").read_text())
    assert list(scores["methods"]) == ["A", "B"] and scores["methods"]["A"]["kind"] == "system"
    assert scores["methods"]["A"]["documents"] == 2 and scores["methods"]["A"]["missing"] == 2
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    refs = {r["id"]: r["refs"] for r in records}
    lines = read_predictions(tmp_path / "out/predictions.jsonl")
    for system in ("A", "B"):
        mine = [o for o in outputs if o["system"] == system]
        direct = [scorer.score_multi([one_sentence_per_line(t) for t in refs[o["id"]]],
                                     one_sentence_per_line(o["summary"])) for o in mine]
        for rouge in ROUGE_TYPES:
            expected = sum(d[rouge].fmeasure for d in direct) / len(direct)
            assert scores["methods"][system][rouge]["mean"] == pytest.approx(expected, abs=1e-6)
            for o, d in zip(mine, direct, strict=True):
                assert lines[(o["id"], system)]["scores"][rouge]["fmeasure"] == pytest.approx(d[rouge].fmeasure,
                                                                                               abs=1e-6)
    assert (tmp_path / "out/report.md").exists() and (tmp_path / "out/scores.png").exists()


def test_compare_two_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples, info = load_examples(write_dataset(tmp_path / "d.jsonl", synthetic_records(12)))
    for name, n in (("a", 1), ("b", 3)):
        run_evaluation(RunConfig(("lead", "textrank"), Length(sentences=n), bootstrap_samples=50), examples, info,
                       tmp_path / name, progress=False)
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json", "--bootstrap-samples", "300"]) == 0
    result = json.loads(capsys.readouterr().out)
    rows = {(r["method"], r["rouge"]): r for r in result["comparisons"]}
    assert set(rows) == {(m, r) for m in ("lead", "textrank") for r in ROUGE_TYPES}
    a = json.loads((tmp_path / "a/scores.json").read_text())["methods"]
    b = json.loads((tmp_path / "b/scores.json").read_text())["methods"]
    lead = rows[("lead", "rouge1")]
    assert lead["difference"] == pytest.approx(b["lead"]["rouge1"]["mean"] - a["lead"]["rouge1"]["mean"])
    assert lead["documents"] == 12 and 0 < lead["p_value"] <= 1
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "a")]) == 0
    table = capsys.readouterr().out
    assert "| lead | R-1 | 12 |" in table and "| +0.00 |" in table and "1.0000 |" in table


@pytest.fixture
def service() -> Iterator[dict[str, Any]]:
    """A tiny summarization service on a free loopback port: first answer 503, then summaries."""
    app = Flask("eval-test")
    state: dict[str, Any] = {"calls": 0, "bodies": []}

    @app.post("/v1/summarize")
    def summarize() -> Any:
        state["calls"] += 1
        if state["calls"] == 1:
            return jsonify(error={"code": "overloaded", "message": "busy"}), 503, {"Retry-After": "0"}
        body = request.get_json()
        state["bodies"].append(body)
        try:
            result = summarizers.summarize(body["text"], method=body["method"], length=body["length"],
                                           language=body["language"], options=body["options"])
        except summarizers.SummarizerError as exc:
            return jsonify(error=exc.to_dict()), 400
        return jsonify(result.to_dict())

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    thread.join(5)


def test_endpoint_run_equals_in_process_run(tmp_path: Path, service: dict[str, Any]) -> None:
    records = [*synthetic_records(5), {"id": "bad", "document": "?!", "summary": "Nothing."}]
    examples, info = load_examples(write_dataset(tmp_path / "d.jsonl", records))
    length = Length(sentences=2)
    remote = run_evaluation(RunConfig(("lead", "random"), length, seed=4, endpoint=service["url"],
                                      bootstrap_samples=100), examples, info, tmp_path / "http", progress=False)
    local = run_evaluation(RunConfig(("lead", "random"), length, seed=4, bootstrap_samples=100),
                           examples, info, tmp_path / "local", progress=False)
    assert numbers(remote) == numbers(local)
    assert remote["methods"]["lead"]["failed"] == 1 and remote["methods"]["lead"]["errors"] == {"invalid_input": 1}
    assert service["calls"] == 1 + 2 * 6  # one 503 retried
    random_body = next(b for b in service["bodies"] if b["method"] == "random")
    assert random_body["options"]["seed"] == 4 and random_body["length"] == {"sentences": 2}
    assert random_body["options"]["title"].startswith("Story")


def test_endpoint_down_is_recorded_not_raised(tmp_path: Path) -> None:
    examples, info = load_examples(write_dataset(tmp_path / "d.jsonl", synthetic_records(1)))
    config = RunConfig(("lead",), endpoint="http://127.0.0.1:9", timeout=2, bootstrap_samples=10)
    from summarizers_eval import endpoint

    original = endpoint.EndpointClient.__init__.__kwdefaults__["retries"]
    endpoint.EndpointClient.__init__.__kwdefaults__["retries"] = 0
    try:
        document = run_evaluation(config, examples, info, tmp_path / "out", progress=False)
    finally:
        endpoint.EndpointClient.__init__.__kwdefaults__["retries"] = original
    assert document["methods"]["lead"]["errors"] == {"connection_error": 1}


@pytest.mark.parametrize(("args", "message"), [
    (["run", "--dataset", "missing.jsonl", "--methods", "lead", "--out", "o"], "data set not found"),
    (["run", "--dataset", "{data}", "--methods", "leed", "--out", "o"], "unknown method 'leed'"),
    (["run", "--dataset", "{data}", "--methods", "lead", "--limit", "0", "--out", "o"], "--limit must be"),
    (["run", "--dataset", "{data}", "--methods", "lead", "--sentences", "0", "--out", "o"], "sentences must be"),
    (["run", "--dataset", "{data}", "--methods", "lead", "--language", "klingon", "--out", "o"],
     "unsupported language"),
    (["run", "--dataset", "{data}", "--methods", "lead", "--document-field", "body", "--out", "o"],
     "no document field 'body'"),
    (["score", "--predictions", "nothing.jsonl", "--dataset", "{data}", "--out", "o"], "cannot read predictions"),
    (["compare", "x", "y"], "holds no predictions.jsonl"),
])
def test_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                   message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = write_dataset(tmp_path / "d.jsonl", synthetic_records(1))
    assert main([a.replace("{data}", str(data)) for a in args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("summarize-eval: error:") and message in err and "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--dataset", "d", "--methods", "lead", "--out", "o", "--sentences", "2", "--ratio", "0.5"])
    assert exc.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_endpoint_against_the_real_service_app(tmp_path: Path) -> None:
    """The project's own Flask app (``summarizers_service.app.create_app``), served on a loopback port."""
    app_module = pytest.importorskip("summarizers_service.app")
    server = make_server("127.0.0.1", 0, app_module.create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        records = [*synthetic_records(3), {"id": "bad", "document": "?!", "summary": "Nothing."}]
        examples, info = load_examples(write_dataset(tmp_path / "d.jsonl", records))
        config = RunConfig(("lead", "textrank"), Length(sentences=2), bootstrap_samples=50)
        remote = run_evaluation(RunConfig(**{**config.__dict__, "endpoint": f"http://127.0.0.1:{server.server_port}"}),
                                examples, info, tmp_path / "http", progress=False)
    finally:
        server.shutdown()
        thread.join(5)
    local = run_evaluation(config, examples, info, tmp_path / "local", progress=False)
    assert numbers(remote) == numbers(local)
    assert remote["methods"]["lead"]["errors"] == {"invalid_input": 1}


def test_every_command_and_option_is_documented() -> None:
    import argparse

    from summarizers_eval.cli import build_parser

    docs = (REPO / "docs/evaluation.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, parser in sub.choices.items():
        assert f"summarize-eval {name}" in docs
        for action in parser._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag.removeprefix("--no-") in docs or flag in docs, f"{name} {flag} undocumented"


def test_score_reads_summarize_batch_output_as_it_is(tmp_path: Path) -> None:
    from summarizers import InvalidInput, summarize
    from summarizers.batch.items import Item
    from summarizers.batch.worker import error_record, result_record
    from summarizers_eval.external import read_system_outputs

    summary = summarize("The council approved the budget on Monday. Residents welcomed it. The vote was close.",
                        method="lead", length={"sentences": 1})
    lines = [result_record(Item(id="a-1", line=1), summary),
             error_record(Item(id="a-2", line=2), InvalidInput("text is empty", field="text"))]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert read_system_outputs(path) == {"lead": {"a-1": summary.summary}}

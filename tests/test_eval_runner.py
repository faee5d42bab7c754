"""The runner: results equal an independent rouge-score computation, runs are reproducible,
failures are recorded, and a resumed run recomputes nothing and ends with the same numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import BBC, require_shared
from eval_helpers import numbers, synthetic_records, write_dataset
from rouge_score import rouge_scorer

from summarizers import Length, Registry, default_registry
from summarizers.methods.lead import LeadMethod
from summarizers_eval.datasets import Example, load_examples
from summarizers_eval.errors import EvalError
from summarizers_eval.predictions import read_predictions
from summarizers_eval.report import PLOT_PNG, REPORT_MD, SCORES_CSV, SCORES_JSON
from summarizers_eval.runner import RunConfig, expand_methods, run_evaluation
from summarizers_eval.scoring import ROUGE_TYPES, one_sentence_per_line


def independent_scores(refs: list[str], summary: str) -> dict[str, Any]:
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    return scorer.score_multi([one_sentence_per_line(r) for r in refs], one_sentence_per_line(summary))


def check_against_rouge_score(out: Path, examples: list[Example]) -> None:
    refs = {e.id: list(e.references) for e in examples}
    records = read_predictions(out / "predictions.jsonl")
    scores = json.loads((out / SCORES_JSON).read_text())
    for method, entry in scores["methods"].items():
        per_type: dict[str, list[float]] = {r: [] for r in ROUGE_TYPES}
        for e in examples:
            record = records[(e.id, method)]
            if record["status"] != "ok":
                continue
            direct = independent_scores(refs[e.id], record["summary"])
            for rouge in ROUGE_TYPES:
                assert record["scores"][rouge]["precision"] == pytest.approx(direct[rouge].precision, abs=1e-6)
                assert record["scores"][rouge]["recall"] == pytest.approx(direct[rouge].recall, abs=1e-6)
                assert record["scores"][rouge]["fmeasure"] == pytest.approx(direct[rouge].fmeasure, abs=1e-6)
                per_type[rouge].append(direct[rouge].fmeasure)
        for rouge in ROUGE_TYPES:
            assert entry[rouge]["mean"] == pytest.approx(sum(per_type[rouge]) / len(per_type[rouge]), abs=1e-6)
            assert entry[rouge]["low"] <= entry[rouge]["mean"] <= entry[rouge]["high"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Example], Any]:
    records = synthetic_records(8)
    records.append({"id": "broken", "document": "!!! ???", "summary": "Nothing to summarize."})
    return load_examples(write_dataset(tmp_path_factory.mktemp("data") / "d.jsonl", records))


CONFIG = RunConfig(("lead", "textrank", "random", "oracle"), Length(sentences=2), seed=7, bootstrap_samples=200)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, dataset: tuple[list[Example], Any]) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    run_evaluation(CONFIG, dataset[0], dataset[1], out, progress=False)
    return out


def test_outputs_match_an_independent_rouge_score_computation(first_run: Path, dataset: Any) -> None:
    check_against_rouge_score(first_run, dataset[0])
    for name in (SCORES_JSON, SCORES_CSV, REPORT_MD, PLOT_PNG, "run.json"):
        assert (first_run / name).stat().st_size > 0
    assert (first_run / PLOT_PNG).read_bytes()[:4] == b"\x89PNG"
    scores = json.loads((first_run / SCORES_JSON).read_text())
    assert scores["dataset"]["sha256"] == dataset[1].sha256 and scores["seed"] == 7
    assert scores["versions"]["rouge-score"] and scores["options"]["length"] == {"sentences": 2}
    assert scores["methods"]["oracle"]["kind"] == "oracle" and scores["methods"]["lead"]["kind"] == "method"
    report = (first_run / REPORT_MD).read_text()
    assert "| oracle (upper bound) |" in report and "invalid_input × 1" in report
    csv_lines = (first_run / SCORES_CSV).read_text().splitlines()
    assert len(csv_lines) == 1 + 4 * len(ROUGE_TYPES)


def test_failures_are_recorded_and_counted(first_run: Path) -> None:
    records = read_predictions(first_run / "predictions.jsonl")
    assert len(records) == 9 * 4
    failed = records[("broken", "lead")]
    assert failed["status"] == "failed" and failed["error"]["code"] == "invalid_input"
    assert "sentence" in failed["error"]["message"]
    scores = json.loads((first_run / SCORES_JSON).read_text())
    assert all(e["documents"] == 8 and e["failed"] == 1 for e in scores["methods"].values())
    assert scores["methods"]["lead"]["errors"] == {"invalid_input": 1}


def test_oracle_is_the_upper_bound(first_run: Path) -> None:
    methods = json.loads((first_run / SCORES_JSON).read_text())["methods"]
    for rouge in ("rouge1", "rouge2"):
        assert methods["oracle"][rouge]["mean"] >= max(methods[m][rouge]["mean"] for m in ("lead", "textrank"))


def test_same_seed_same_numbers_and_jobs_change_nothing(tmp_path: Path, first_run: Path, dataset: Any) -> None:
    again = run_evaluation(CONFIG, dataset[0], dataset[1], tmp_path / "again", progress=False, jobs=2)
    first = json.loads((first_run / SCORES_JSON).read_text())
    assert numbers(again) == numbers(first)
    summaries = {k: r.get("summary") for k, r in read_predictions(first_run / "predictions.jsonl").items()}
    assert {k: r.get("summary") for k, r in read_predictions(tmp_path / "again/predictions.jsonl").items()} \
        == summaries


def test_resume_after_a_torn_line_recomputes_only_what_is_missing(tmp_path: Path, first_run: Path,
                                                                   dataset: Any) -> None:
    out = tmp_path / "resumed"
    out.mkdir()
    (out / "run.json").write_bytes((first_run / "run.json").read_bytes())
    lines = (first_run / "predictions.jsonl").read_text().splitlines(keepends=True)
    kept = lines[:13]
    (out / "predictions.jsonl").write_text("".join(kept) + lines[13][:25])  # killed while writing line 14
    document = run_evaluation(CONFIG, dataset[0], dataset[1], out, progress=False)
    assert numbers(document) == numbers(json.loads((first_run / SCORES_JSON).read_text()))
    final = (out / "predictions.jsonl").read_text().splitlines(keepends=True)
    assert final[:13] == kept and len(final) == len(lines)  # nothing recomputed, nothing lost
    # started again once more: everything is done, nothing is added
    run_evaluation(CONFIG, dataset[0], dataset[1], out, progress=False)
    assert (out / "predictions.jsonl").read_text().splitlines(keepends=True) == final


def test_resume_refuses_other_settings(first_run: Path, dataset: Any) -> None:
    other = RunConfig(CONFIG.methods, Length(sentences=3), seed=7)
    with pytest.raises(EvalError, match=r"other settings.*length"):
        run_evaluation(other, dataset[0], dataset[1], first_run, progress=False)


def test_method_names_are_checked_against_the_given_registry() -> None:
    registry = default_registry()
    assert expand_methods(["lead", "oracle", "lead"], registry) == ("lead", "oracle")
    assert "lexrank" in expand_methods(["extractive"], registry)
    with pytest.raises(EvalError, match="unknown method 'leed'"):
        expand_methods(["leed"], registry)
    with pytest.raises(EvalError, match="unknown method 'lexrank'; known: lead, oracle"):
        expand_methods(["lexrank"], Registry([LeadMethod()]))


@pytest.mark.slow
def test_bbc_match_reference(tmp_path: Path) -> None:
    examples, info = load_examples(require_shared(BBC), limit=6)
    config = RunConfig(("lead", "lexrank", "textrank", "lsa", "luhn"), None, bootstrap_samples=100)
    document = run_evaluation(config, examples, info, tmp_path / "bbc", progress=False)
    check_against_rouge_score(tmp_path / "bbc", examples)
    records = read_predictions(tmp_path / "bbc/predictions.jsonl")
    first = records[(examples[0].id, "lead")]
    assert first["length"] == {"sentences": len(one_sentence_per_line(examples[0].references[0]).split("\n"))}
    assert all(e["documents"] == 6 and e["failed"] == 0 for e in document["methods"].values())

"""``summarize-eval --metrics faithfulness`` and ``summarize-eval meta`` (agreement with people)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED
from eval_helpers import synthetic_records, write_dataset

from summarizers_eval.cli import main
from summarizers_eval.meta import Judged, meta_evaluate, roc_auc
from summarizers_eval.predictions import read_predictions

SUMMEVAL = SHARED / "datasets" / "summeval" / "summeval.jsonl"


def test_roc_auc_by_hand() -> None:
    assert roc_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == 0.75
    assert roc_auc(np.array([1.0, 1.0]), np.array([0, 1])) == 0.5
    assert np.isnan(roc_auc(np.array([1.0, 2.0]), np.array([1, 1])))


def test_meta_correlations_at_summary_and_system_level() -> None:
    # three systems over four documents: the metric ranks them as people do, except in one document
    judged, metric = [], []
    for d in range(4):
        for s, quality in enumerate((1.0, 3.0, 5.0)):
            judged.append(Judged(f"d{d}", f"s{s}", "x", quality))
            metric.append(quality if d else 5.0 - quality)
    result = meta_evaluate(judged, {"m": np.array(metric)}, positive_at=5, samples=200)
    m = result["metrics"]["m"]
    assert result["human"] == "score" and result["positive_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["summary_spearman"]["value"] == pytest.approx(0.5)  # (1 + 1 + 1 - 1) / 4
    assert m["system_spearman"]["value"] == pytest.approx(1.0)
    assert m["roc_auc"]["value"] == pytest.approx(0.75)
    assert m["summary_kendall"]["low"] <= m["summary_kendall"]["value"] <= m["summary_kendall"]["high"]
    binary = meta_evaluate([Judged("d", "s", "x", v) for v in (0, 1, 1)], {"m": np.array([0.2, 0.9, 0.5])},
                           samples=50)
    assert binary["human"] == "binary" and set(binary["metrics"]["m"]) == {"roc_auc", "mean"}


def test_run_and_score_with_faithfulness(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_dataset(tmp_path / "d.jsonl", synthetic_records(4))
    assert main(["run", "--dataset", str(data), "--methods", "lead", "--sentences", "2", "--metrics",
                 "rouge,faithfulness", "--out", str(tmp_path / "run"), "--bootstrap-samples", "50"]) == 0
    records = read_predictions(tmp_path / "run" / "predictions.jsonl")
    assert all(r["scores"]["faithfulness"] == {"score": 1.0} for r in records.values())  # extractive
    scores = json.loads((tmp_path / "run" / "scores.json").read_text())
    assert scores["methods"]["lead"]["faithfulness"]["mean"] == 1.0
    assert "faithfulness" in (tmp_path / "run" / "report.md").read_text()

    rows = synthetic_records(4)
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("".join(
        json.dumps({"id": r["id"], "system": "made-up", "summary": "Aliens landed in Berlin in 1999."}) + "\n"
        + json.dumps({"id": r["id"], "system": "copy", "summary": r["document"].split(". ")[0] + "."}) + "\n"
        for r in rows))
    assert main(["score", "--predictions", str(predictions), "--dataset", str(data), "--metrics",
                 "faithfulness", "--out", str(tmp_path / "score"), "--bootstrap-samples", "50"]) == 0
    methods = json.loads((tmp_path / "score" / "scores.json").read_text())["methods"]
    assert methods["made-up"]["faithfulness"]["mean"] < 0.2 < 0.8 < methods["copy"]["faithfulness"]["mean"]
    assert main(["score", "--predictions", str(predictions), "--dataset", str(data), "--metrics", "bleu",
                 "--out", str(tmp_path / "x")]) == 1
    assert "unknown metric(s) 'bleu'" in capsys.readouterr().err


def test_meta_command_on_predictions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = synthetic_records(6)
    data = write_dataset(tmp_path / "d.jsonl", rows)
    predictions = tmp_path / "p.jsonl"
    with predictions.open("w") as f:
        for r in rows:
            f.write(json.dumps({"id": r["id"], "system": "good", "faithful": 1,
                                "summary": r["document"].split(". ")[1] + "."}) + "\n")
            f.write(json.dumps({"id": r["id"], "system": "bad", "faithful": 0,
                                "summary": "The mayor of Rome resigned in 1987 over 12 missing statues."}) + "\n")
    assert main(["meta", "--predictions", str(predictions), "--dataset", str(data), "--human-field", "faithful",
                 "--bootstrap-samples", "100", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["human"] == "binary" and result["summaries"] == 12
    assert result["metrics"]["faithfulness"]["roc_auc"]["value"] == 1.0
    assert main(["meta", "--dataset", str(data), "--human-field", "faithful", "--bootstrap-samples", "10"]) == 1
    assert "exactly one of --predictions and --outputs-field" in capsys.readouterr().err


def test_meta_on_summeval_consistency(capsys: pytest.CaptureFixture[str]) -> None:
    if not SUMMEVAL.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SUMMEVAL} is missing")
        pytest.skip(f"{SUMMEVAL} not present")
    assert main(["meta", "--dataset", str(SUMMEVAL), "--outputs-field", "system_outputs", "--human-field",
                 "human_scores.{system}.consistency", "--positive-at", "5", "--limit", "25",
                 "--bootstrap-samples", "100", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["summaries"] == 25 * 16 and result["systems"] == 16
    faithfulness = result["metrics"]["faithfulness"]
    assert faithfulness["roc_auc"]["value"] > 0.7
    assert faithfulness["summary_spearman"]["value"] > 0.3

"""``summarize-eval compare``: two runs, per method and ROUGE type, with a paired bootstrap.

The pairs are the documents both runs scored for that method (by id), in sorted id order, so
the result depends only on the two runs and the seed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .bootstrap import DEFAULT_CONFIDENCE, DEFAULT_SAMPLES, paired_bootstrap
from .errors import EvalError
from .predictions import PREDICTIONS_FILE, read_predictions
from .report import LABELS, SCORES_JSON
from .scoring import ROUGE_TYPES


@dataclass(frozen=True)
class Comparison:
    """One method and ROUGE type: F1 means of A and B over the shared documents, B − A, p-value."""

    method: str
    rouge: str
    documents: int
    a: float
    b: float
    difference: float
    low: float
    high: float
    p_value: float


def _load(run: Path) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, Any]]:
    path = run / PREDICTIONS_FILE
    if not path.exists():
        raise EvalError(f"{run} holds no {PREDICTIONS_FILE}: give a folder written by `summarize-eval run` or `score`")
    by_method: dict[str, dict[str, dict[str, Any]]] = {}
    for (ident, method), record in read_predictions(path).items():
        if record.get("status") == "ok":
            by_method.setdefault(method, {})[ident] = record["scores"]
    meta: dict[str, Any] = {}
    if (run / SCORES_JSON).exists():
        try:
            meta = json.loads((run / SCORES_JSON).read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            meta = {}
    return by_method, meta


def compare_runs(
    run_a: Path, run_b: Path, *, seed: int = 0, samples: int = DEFAULT_SAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[list[Comparison], list[str]]:
    """Comparisons for every method both runs hold, and notes (data set mismatch, no overlap).

    Raises:
        EvalError: a folder without predictions, or no method in common.
    """
    a, meta_a = _load(run_a)
    b, meta_b = _load(run_b)
    notes = []
    sha_a, sha_b = (m.get("dataset", {}).get("sha256") for m in (meta_a, meta_b))
    if sha_a and sha_b and sha_a != sha_b:
        notes.append("the two runs used different data (content hashes differ); only shared ids are paired")
    common = [m for m in a if m in b]
    if not common:
        raise EvalError(f"no method in common: {', '.join(a) or 'none'} vs {', '.join(b) or 'none'}")
    rows = []
    for method in common:
        ids = sorted(set(a[method]) & set(b[method]))
        if not ids:
            notes.append(f"{method}: no document scored in both runs")
            continue
        for rouge in ROUGE_TYPES:
            xa = [a[method][i][rouge]["fmeasure"] for i in ids]
            xb = [b[method][i][rouge]["fmeasure"] for i in ids]
            test = paired_bootstrap(xb, xa, seed=seed, samples=samples, confidence=confidence)
            rows.append(Comparison(method, rouge, len(ids), sum(xa) / len(ids), sum(xb) / len(ids),
                                   test.difference, test.low, test.high, test.p_value))
    return rows, notes


def render_comparison(rows: list[Comparison], notes: list[str], run_a: Path, run_b: Path) -> str:
    """A Markdown table (F1 × 100): A, B, B − A with its interval, p-value."""
    lines = [f"A = `{run_a}`, B = `{run_b}`; F1 × 100 over the documents both scored; "
             "p: paired bootstrap, two-sided.", "",
             "| method | ROUGE | docs | A | B | B − A | 95% CI | p |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |"]
    for r in rows:
        lines.append(f"| {r.method} | {LABELS[r.rouge]} | {r.documents} | {r.a * 100:.2f} | {r.b * 100:.2f} | "
                     f"{r.difference * 100:+.2f} | {r.low * 100:+.2f} – {r.high * 100:+.2f} | {r.p_value:.4f} |")
    if notes:
        lines += ["", *(f"- {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def comparison_json(rows: list[Comparison], notes: list[str]) -> dict[str, Any]:
    """JSON-ready form: ``{"comparisons": [...], "notes": [...]}`` (scores 0-1)."""
    return {"comparisons": [asdict(r) for r in rows], "notes": notes}

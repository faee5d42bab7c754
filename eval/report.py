"""Aggregation and reports: ``scores.json``, ``scores.csv``, ``report.md`` and ``scores.png``.

Means and intervals are over the documents a method summarized; failed documents are counted
(``failed``, with ``errors`` by code) and listed in the report, never scored as zero silently.
Every report records the data set's path and content hash, the options, the seed and the
versions of the packages that decide the numbers.
"""

from __future__ import annotations

import csv
import json
import platform
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from .bootstrap import bootstrap_ci
from .datasets import DatasetInfo
from .scoring import ROUGE_TYPES, ScorerConfig

SCORES_JSON, SCORES_CSV, REPORT_MD, PLOT_PNG = "scores.json", "scores.csv", "report.md", "scores.png"
#: Packages whose versions are recorded.
VERSIONED = ("summarizers", "rouge-score", "nltk", "sumy", "sentencex", "numpy")
LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum"}


def package_versions() -> dict[str, str | None]:
    """Python's and the scoring packages' versions (``None`` when not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def aggregate(
    records: Mapping[tuple[str, str], Mapping[str, Any]],
    ids: Sequence[str],
    kinds: Mapping[str, str],
    *,
    seed: int,
    samples: int,
    confidence: float,
) -> dict[str, dict[str, Any]]:
    """Per-method statistics over ``ids`` (in that order) from per-document records.

    ``kinds`` maps each method, in report order, to ``method``, ``oracle`` or ``system``. The
    same seed resamples the same documents for every method.
    """
    out: dict[str, dict[str, Any]] = {}
    for method, kind in kinds.items():
        rows = [records.get((i, method)) for i in ids]
        ok = [r for r in rows if r is not None and r.get("status") == "ok"]
        failed = [r for r in rows if r is not None and r.get("status") != "ok"]
        entry: dict[str, Any] = {"kind": kind}
        for rouge in ROUGE_TYPES:
            if ok:
                f1 = np.array([r["scores"][rouge]["fmeasure"] for r in ok])
                stats: dict[str, Any] = bootstrap_ci(f1, seed=seed, samples=samples, confidence=confidence).to_dict()
                stats["precision"] = float(np.mean([r["scores"][rouge]["precision"] for r in ok]))
                stats["recall"] = float(np.mean([r["scores"][rouge]["recall"] for r in ok]))
            else:
                stats = {"mean": None, "low": None, "high": None, "precision": None, "recall": None}
            entry[rouge] = stats
        faithful = [r["scores"]["faithfulness"]["score"] for r in ok if "faithfulness" in r["scores"]]
        if faithful:
            entry["faithfulness"] = bootstrap_ci(np.array(faithful), seed=seed, samples=samples,
                                                 confidence=confidence).to_dict()
        seconds = [r["seconds"] for r in ok if isinstance(r.get("seconds"), (int, float))]
        entry.update({
            "documents": len(ok),
            "failed": len(failed),
            "missing": sum(1 for r in rows if r is None),
            "errors": dict(sorted(Counter(r.get("error", {}).get("code", "unknown") for r in failed).items())),
            "mean_words": float(np.mean([r["words"] for r in ok])) if ok else None,
            "docs_per_second": (len(seconds) / sum(seconds)) if seconds and sum(seconds) > 0 else None,
        })
        out[method] = entry
    return out


def build_scores_document(
    methods: Mapping[str, Any],
    dataset: DatasetInfo,
    documents: int,
    *,
    seed: int,
    options: Mapping[str, Any],
    samples: int,
    confidence: float,
    scoring: ScorerConfig,
) -> dict[str, Any]:
    """The content of ``scores.json``; ``scoring`` is the scorer's own settings."""
    return {
        "methods": dict(methods),
        "dataset": {**dataset.to_dict(), "documents": documents},
        "options": dict(options),
        "seed": seed,
        "bootstrap": {"samples": samples, "confidence": confidence, "method": "percentile"},
        "scoring": {"package": "rouge-score", "use_stemmer": scoring.use_stemmer, "f1_range": "0-1",
                    "multi_reference": "best F1 per ROUGE type (RougeScorer.score_multi)"},
        "versions": package_versions(),
    }


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_scores_csv(path: Path, methods: Mapping[str, Mapping[str, Any]]) -> None:
    """One row per method and ROUGE type (F1 mean and interval, precision, recall; 0-1)."""
    columns = ["method", "kind", "rouge", "f1", "f1_low", "f1_high", "precision", "recall",
               "documents", "failed", "mean_words", "docs_per_second"]
    faithful = any("faithfulness" in e for e in methods.values())
    if faithful:
        columns += ["faithfulness", "faithfulness_low", "faithfulness_high"]
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for method, entry in methods.items():
            for rouge in ROUGE_TYPES:
                s = entry[rouge]
                row = [method, entry["kind"], rouge, s["mean"], s["low"], s["high"], s["precision"],
                       s["recall"], entry["documents"], entry["failed"], entry["mean_words"],
                       entry["docs_per_second"]]
                if faithful:
                    f = entry.get("faithfulness") or {}
                    row += [f.get("mean"), f.get("low"), f.get("high")]
                writer.writerow(row)
    tmp.replace(path)


def _cell(stats: Mapping[str, Any]) -> str:
    if stats["mean"] is None:
        return "–"
    return f"{stats['mean'] * 100:.2f} ({stats['low'] * 100:.2f}–{stats['high'] * 100:.2f})"


def _num(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render_markdown(document: Mapping[str, Any]) -> str:
    """``report.md``: a table of F1 × 100 with 95% intervals, then the run's provenance."""
    methods = document["methods"]
    dataset, options = document["dataset"], document["options"]
    boot = document["bootstrap"]
    lines = [
        "# ROUGE evaluation",
        "",
        f"Data set: `{dataset['path']}` ({dataset['format']}, {dataset['documents']} documents, "
        f"sha256 `{dataset['sha256'][:16]}…`).",
        f"F1 × 100, mean over the documents scored, with {boot['confidence']:.0%} bootstrap interval "
        f"({boot['samples']} resamples, seed {document['seed']}). rouge-score "
        f"{document['versions'].get('rouge-score')}, Porter stemming; R-Lsum on sentences split one per line.",
        "",
    ]
    faithful = any("faithfulness" in e for e in methods.values())
    if faithful:
        lines[-1:-1] = ["Faithfulness: `summarizers.check_faithfulness` score × 100 against the document "
                        "(higher is better supported), same interval."]
    lines += [
        "| method | R-1 | R-2 | R-L | R-Lsum |" + (" faithfulness |" if faithful else "")
        + " words | docs | failed | docs/s |",
        "| --- | --- | --- | --- | --- |" + (" --- |" if faithful else "") + " ---: | ---: | ---: | ---: |",
    ]
    for name, entry in methods.items():
        label = f"{name} (upper bound)" if entry["kind"] == "oracle" else name
        cells = " | ".join(_cell(entry[r]) for r in ROUGE_TYPES)
        if faithful:
            cells += " | " + (_cell(entry["faithfulness"]) if "faithfulness" in entry else "–")
        lines.append(f"| {label} | {cells} | {_num(entry['mean_words'], 1)} | {entry['documents']} | "
                     f"{entry['failed']} | {_num(entry['docs_per_second'], 1)} |")
    notes = []
    if any(e["kind"] == "oracle" for e in methods.values()):
        notes.append("- `oracle`: greedy choice of document sentences maximising ROUGE against the "
                     "reference; an upper bound for extractive methods, not a method one can deploy.")
    for name, entry in methods.items():
        if entry["failed"]:
            codes = ", ".join(f"{c} × {n}" for c, n in entry["errors"].items())
            notes.append(f"- `{name}`: {entry['failed']} document(s) failed ({codes}); "
                         "see `predictions.jsonl`.")
        if entry.get("missing"):
            notes.append(f"- `{name}`: no summary for {entry['missing']} document(s) of the data set.")
    if notes:
        lines += ["", *notes]
    lines += ["", "Options:", "", "```json", json.dumps(options, indent=2, sort_keys=True), "```", ""]
    return "\n".join(lines)


def plot_scores(path: Path, methods: Mapping[str, Mapping[str, Any]]) -> None:
    """A grouped bar chart of F1 × 100 per method and ROUGE type, with interval error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [m for m, e in methods.items() if e["documents"]]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(names) + 2), 4.5))
    width = 0.8 / len(ROUGE_TYPES)
    x = np.arange(len(names))
    for k, rouge in enumerate(ROUGE_TYPES):
        means = np.array([methods[m][rouge]["mean"] * 100 for m in names])
        lows = np.array([methods[m][rouge]["low"] * 100 for m in names])
        highs = np.array([methods[m][rouge]["high"] * 100 for m in names])
        ax.bar(x + (k - 1.5) * width, means, width, yerr=np.vstack([means - lows, highs - means]),
               capsize=2, label=LABELS[rouge])
    ax.set_xticks(x, [f"{m}\n(upper bound)" if methods[m]["kind"] == "oracle" else m for m in names],
                  rotation=30, ha="right")
    ax.set_ylabel("F1 × 100 (95% CI)")
    ax.set_title("ROUGE F1 per method")
    ax.legend(ncols=4, fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    tmp.replace(path)


def write_reports(out: Path, document: Mapping[str, Any]) -> None:
    """Write ``scores.json``, ``scores.csv``, ``report.md`` and ``scores.png`` into ``out``."""
    _atomic_write(out / SCORES_JSON, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    write_scores_csv(out / SCORES_CSV, document["methods"])
    _atomic_write(out / REPORT_MD, render_markdown(document))
    plot_scores(out / PLOT_PNG, document["methods"])

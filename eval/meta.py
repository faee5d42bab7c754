"""``summarize-eval meta``: how well each metric agrees with human judgments in a data set.

Each judged summary has a document, a system, the summary and a human value. A binary human
label (0/1, true/false) gives ROC AUC per metric; a score gives Spearman and Kendall
correlations at summary level (per document, across its systems, averaged over documents, as
SummEval reports them) and at system level (across the systems' means). With
``positive_at`` a score is also turned into a label (``human >= positive_at``) for AUC. Every
figure has a percentile bootstrap interval over documents (the same resamples for every metric).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import kendalltau, rankdata, spearmanr

from summarizers.grounding import build_index, check_faithfulness
from summarizers.grounding.tokens import tokenize

from .bootstrap import _check_confidence, _indices
from .datasets import Example, read_records
from .errors import DatasetError, EvalError
from .scoring import RougeEvaluator, ScorerConfig

#: Metrics ``meta`` can correlate: the faithfulness score, ROUGE F1 against the references, and
#: the baseline share of summary bigrams found in the document.
META_METRICS = ("faithfulness", "rouge1", "rouge2", "rougeLsum", "bigram_overlap")


@dataclass(frozen=True)
class Judged:
    """One summary with a human judgment."""

    id: str
    system: str
    summary: str
    human: float


def human_value(record: Mapping[str, Any], path: str, system: str) -> Any:
    """The value at dotted ``path`` in ``record`` (``{system}`` in the path is the system's name)."""
    value: Any = record
    for part in path.replace("{system}", system).split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def judged_from_dataset(records: Sequence[Mapping[str, Any]], examples: Sequence[Example], outputs_field: str,
                        human_field: str) -> list[Judged]:
    """Judged summaries from a data set holding ``{system: summary}`` per document (SummEval's
    ``system_outputs``) and the human field (``human_scores.{system}.consistency``).

    Raises:
        DatasetError: a record without the outputs mapping.
    """
    out = []
    for record, example in zip(records, examples, strict=False):
        systems = record.get(outputs_field)
        if not isinstance(systems, Mapping):
            raise DatasetError(f"document {example.id!r}: field {outputs_field!r} is not a mapping of "
                               "system to summary")
        for system, summary in systems.items():
            value = human_value(record, human_field, str(system))
            if isinstance(summary, str) and _number(value) is not None:
                out.append(Judged(example.id, str(system), summary, _number(value)))  # type: ignore[arg-type]
    return out


def judged_from_predictions(path: Path, records: Sequence[Mapping[str, Any]], examples: Sequence[Example],
                            human_field: str) -> list[Judged]:
    """Judged summaries from a JSONL of ``id``, ``summary``, ``system`` (or ``method``) whose
    human value is in the line itself or, failing that, in the data set's record.

    Raises:
        DatasetError: an unreadable file or a bad line.
    """
    by_id = {e.id: r for e, r in zip(examples, records, strict=False)}
    out = []
    if not path.is_file():
        raise DatasetError(f"cannot read predictions {path}: no such file")
    rows, _ = read_records(path, "jsonl")
    for number, row in enumerate(rows, 1):
        if not isinstance(row.get("summary"), str) or "id" not in row:
            raise DatasetError(f"{path}, record {number}: each line needs \"id\" and a string \"summary\"")
        ident, system = str(row["id"]), str(row.get("system") or row.get("method") or "system")
        if ident not in by_id:
            continue
        value = human_value(row, human_field, system)
        if value is None:
            value = human_value(by_id[ident], human_field, system)
        if _number(value) is not None:
            out.append(Judged(ident, system, row["summary"], _number(value)))  # type: ignore[arg-type]
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)) and np.isfinite(value):
        return float(value)
    return None


def bigram_overlap(summary: str, document: str) -> float:
    """The share of the summary's bigrams (lower-cased words) found in the document (baseline)."""
    s = [t.lower for t in tokenize(summary)]
    d = [t.lower for t in tokenize(document)]
    pairs = list(pairwise(s))
    if not pairs:
        return 1.0
    have = set(pairwise(d))
    return sum(p in have for p in pairs) / len(pairs)


def metric_values(judged: Sequence[Judged], examples: Sequence[Example], metrics: Sequence[str],
                  language: str = "english") -> dict[str, np.ndarray]:
    """Each metric's value for every judged summary."""
    by_id = {e.id: e for e in examples}
    rouge = RougeEvaluator(ScorerConfig(language=language)) if any(m.startswith("rouge") for m in metrics) else None
    values: dict[str, list[float]] = {m: [] for m in metrics}
    for j in judged:
        example = by_id[j.id]
        scores = rouge.score_dict(example.references, j.summary) if rouge else {}
        for m in metrics:
            if m == "faithfulness":
                values[m].append(check_faithfulness(j.summary, build_index(example.document, language)).score)
            elif m == "bigram_overlap":
                values[m].append(bigram_overlap(j.summary, example.document))
            else:
                values[m].append(scores[m]["fmeasure"])
    return {m: np.array(v) for m, v in values.items()}


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC of ``scores`` for binary ``labels`` (ties count half); NaN without both classes."""
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _correlations(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan")
    return float(spearmanr(x, y)[0]), float(kendalltau(x, y)[0])


def meta_evaluate(
    judged: Sequence[Judged],
    values: Mapping[str, np.ndarray],
    *,
    positive_at: float | None = None,
    seed: int = 0,
    samples: int = 1000,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Agreement of every metric with the human values, with bootstrap intervals over documents.

    Raises:
        EvalError: no judged summaries.
    """
    if not judged:
        raise EvalError("no summary with a human value found (check --human-field)")
    tail = _check_confidence(confidence)
    human = np.array([j.human for j in judged])
    binary = bool(np.all(np.isin(human, (0.0, 1.0))))
    docs = sorted({j.id for j in judged})
    systems = sorted({j.system for j in judged})
    doc_of = np.array([docs.index(j.id) for j in judged])
    sys_of = np.array([systems.index(j.system) for j in judged])
    rows_of = [np.flatnonzero(doc_of == d) for d in range(len(docs))]
    resamples = _indices(len(docs), samples, seed)
    labels = (human >= positive_at).astype(int) if positive_at is not None else human.astype(int) if binary else None

    def intervals(stat: Callable[[np.ndarray], tuple[float, ...]], names: Sequence[str]) -> dict[str, Any]:
        """``stat`` (one or more figures) on every document, and its bootstrap interval."""
        point = stat(np.arange(len(docs)))
        draws = np.array([stat(r) for r in resamples], dtype=float)
        out = {}
        for k, name in enumerate(names):
            col = draws[:, k][np.isfinite(draws[:, k])]
            low, high = np.percentile(col, [tail, 100 - tail]) if len(col) else (np.nan, np.nan)
            out[name] = {"value": _round(point[k]), "low": _round(low), "high": _round(high)}
        return out

    out: dict[str, Any] = {"summaries": len(judged), "documents": len(docs), "systems": len(systems),
                           "human": "binary" if binary else "score", "metrics": {}}
    if labels is not None:
        out["positive_share"] = _round(labels.mean())
        if positive_at is not None:
            out["positive_at"] = positive_at
    for name, x in values.items():
        entry: dict[str, Any] = {}
        if labels is not None:
            def auc(r: np.ndarray, x: np.ndarray = x) -> tuple[float]:
                rows = np.concatenate([rows_of[d] for d in r])
                return (roc_auc(x[rows], labels[rows]),)
            entry.update(intervals(auc, ["roc_auc"]))
        if not binary:
            per_doc = np.array([_correlations(x[rows], human[rows]) for rows in rows_of])
            entry.update(intervals(lambda r, p=per_doc: tuple(np.nanmean(p[r], axis=0)),
                                   ["summary_spearman", "summary_kendall"]))
            table_x = _table(x, doc_of, sys_of, len(docs), len(systems))
            table_h = _table(human, doc_of, sys_of, len(docs), len(systems))
            entry.update(intervals(
                lambda r, tx=table_x, th=table_h: _correlations(np.nanmean(tx[r], axis=0), np.nanmean(th[r], axis=0)),
                ["system_spearman", "system_kendall"]))
        entry["mean"] = _round(float(np.mean(x)))
        out["metrics"][name] = entry
    return out


def _table(values: np.ndarray, doc_of: np.ndarray, sys_of: np.ndarray, docs: int, systems: int) -> np.ndarray:
    table = np.full((docs, systems), np.nan)
    table[doc_of, sys_of] = values
    return table


def _round(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 4)


def render_meta(result: Mapping[str, Any]) -> str:
    """A Markdown table of the agreement figures (value and interval)."""
    columns = [c for c in ("roc_auc", "summary_spearman", "summary_kendall", "system_spearman", "system_kendall")
               if any(c in e for e in result["metrics"].values())]
    label = "binary" if result["human"] == "binary" else "score"
    lines = [f"{result['summaries']} summaries of {result['documents']} documents by {result['systems']} "
             f"systems; human value: {label}"
             + (f", positive at >= {result['positive_at']} ({result['positive_share']:.1%} positive)"
                if "positive_at" in result else ""),
             "", "| metric | " + " | ".join(columns) + " |", "| --- |" + " --- |" * len(columns)]
    for name, entry in result["metrics"].items():
        cells = []
        for c in columns:
            v = entry.get(c)
            cells.append("–" if not v or v["value"] is None else
                         f"{v['value']:.3f} ({_fmt(v['low'])}–{_fmt(v['high'])})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"

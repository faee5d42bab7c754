"""``summarize-eval score``: ROUGE for summaries made elsewhere, with the same outputs as a run.

The predictions file is JSON Lines with ``id``, ``summary`` and optionally ``system`` (several
systems may share one file). Each id must be in the data set; a data set document that a
system did not summarize is reported as ``missing`` for that system.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from summarizers.text.words import count_words

from .bootstrap import DEFAULT_CONFIDENCE, DEFAULT_SAMPLES
from .datasets import DatasetInfo, Example
from .errors import DatasetError, EvalError
from .predictions import PREDICTIONS_FILE, prediction_sink
from .report import aggregate, build_scores_document, write_reports
from .scoring import RougeEvaluator, ScorerConfig

DEFAULT_SYSTEM = "system"


def read_system_outputs(path: Path, default_system: str = DEFAULT_SYSTEM) -> dict[str, dict[str, str]]:
    """``{system: {id: summary}}`` from a predictions file, systems in order of appearance.

    A line is ``{"id", "summary", "system"?}``, or a line of ``summarize batch`` output as it
    is: ``{"id", "result": {"summary", "method", ...}}`` (the system is the method unless the
    line names one); a batch line holding an ``error`` (a document that failed) has no summary
    to score and is left out, with a warning.

    Raises:
        DatasetError: unreadable file, a bad line, or the same (id, system) twice.
    """
    systems: dict[str, dict[str, str]] = {}
    failed = 0
    try:
        f = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise DatasetError(f"cannot read predictions {path}: {exc.strerror}") from None
    with f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}, line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{where}: not valid JSON ({exc.msg})") from None
            if isinstance(record, dict) and "id" in record and "error" in record and "summary" not in record:
                failed += 1
                continue
            result = record.get("result") if isinstance(record, dict) else None
            if isinstance(result, dict) and "summary" not in record:  # a `summarize batch` line
                record = {"id": record["id"], "summary": result.get("summary"),
                          "system": record.get("system") or result.get("method")}
            if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("summary"), str):
                raise DatasetError(f"{where}: each line needs \"id\" and a string \"summary\" (or is a line of "
                                   "`summarize batch` output, with \"result\")")
            system = str(record.get("system") or default_system)
            ident = str(record["id"])
            outputs = systems.setdefault(system, {})
            if ident in outputs:
                raise DatasetError(f"{where}: id {ident!r} appears twice for system {system!r}")
            outputs[ident] = record["summary"]
    if failed:
        print(f"summarize-eval: warning: {failed} line(s) of {path} hold an error, not a summary: left out",
              file=sys.stderr)
    if not systems:
        raise DatasetError(f"{path}: no predictions")
    return systems


def score_outputs(
    outputs: dict[str, dict[str, str]], examples: Sequence[Example], dataset: DatasetInfo, out: Path, *,
    scorer: ScorerConfig | None = None, seed: int = 0, samples: int = DEFAULT_SAMPLES,
    confidence: float = DEFAULT_CONFIDENCE, progress: bool | None = None, options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Score every system's summaries, write the reports into ``out``; the scores document.

    Raises:
        EvalError: an id that is not in the data set, or ``out`` not a folder.
    """
    by_id = {e.id: e for e in examples}
    for system, summaries in outputs.items():
        unknown = [i for i in summaries if i not in by_id]
        if unknown:
            raise EvalError(f"system {system!r}: {len(unknown)} id(s) not in the data set, e.g. "
                            f"{', '.join(map(repr, unknown[:5]))} (check --id-field, --split or --limit)")
    if out.exists() and not out.is_dir():
        raise EvalError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    evaluator = RougeEvaluator(scorer)
    path = out / PREDICTIONS_FILE
    path.unlink(missing_ok=True)
    records: dict[tuple[str, str], dict[str, Any]] = {}
    total = sum(len(s) for s in outputs.values())
    show = sys.stderr.isatty() if progress is None else progress
    with prediction_sink(path) as writer, tqdm(total=total, unit="summary", disable=not show,
                                                desc="summarize-eval score") as bar:
        writer.open()
        for example in examples:
            batch = []
            for system, summaries in outputs.items():
                if example.id not in summaries:
                    continue
                summary = summaries[example.id]
                batch.append({"id": example.id, "method": system, "status": "ok", "summary": summary,
                              "words": count_words(summary), "seconds": None,
                              "scores": evaluator.score_dict(example.references, summary, example.document)})
            writer.append(batch)
            records.update({(r["id"], r["method"]): r for r in batch})
            bar.update(len(batch))
    methods = aggregate(records, [e.id for e in examples], dict.fromkeys(outputs, "system"),
                        seed=seed, samples=samples, confidence=confidence)
    document = build_scores_document(
        methods, dataset, len(examples), seed=seed, samples=samples, confidence=confidence,
        scoring=evaluator.config, options={**(options or {}), "scoring": evaluator.config.to_dict()},
    )
    write_reports(out, document)
    return document

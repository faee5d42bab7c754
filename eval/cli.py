"""``summarize-eval``: ROUGE evaluation of the library's methods (``run``), of summaries made
elsewhere (``score``), comparison of two evaluations (``compare``), and agreement of metrics
with human judgments (``meta``).

Exit status: 0 on success, 1 for an error the user can fix (printed as one line, never a
traceback), 2 for bad command-line usage, 130 when interrupted (``run`` can be resumed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarizers import Length, SummarizerError
from summarizers.config import ConfigError
from summarizers.text.language import resolve_language_name

from .bootstrap import DEFAULT_CONFIDENCE, DEFAULT_SAMPLES
from .errors import EvalError
from .scoring import METRICS, TOKENIZERS, ScorerConfig

PROG = "summarize-eval"


def _add_dataset_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, type=Path,
                        help="JSONL, CSV/TSV or parquet file, or a folder saved by datasets' save_to_disk")
    parser.add_argument("--split", help="split of a saved Hugging Face DatasetDict (default: test, or the only one)")
    parser.add_argument("--limit", type=int, help="use only the first N documents")
    parser.add_argument("--id-field", default="id", help="field holding the document id (default id; "
                        "without it, the row number)")
    parser.add_argument("--document-field", default="document", help="field holding the document (default document)")
    parser.add_argument("--summary-field", default="summary",
                        help="field(s) holding the reference(s), comma-separated; a list value holds "
                             "several references (default summary)")
    parser.add_argument("--title-field", default="title",
                        help="field holding the headline, passed to the methods when present (default title)")


def _add_scoring_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--language", "-l", default="english", help="language name or ISO code (default english)")
    parser.add_argument("--tokenizer", choices=TOKENIZERS, default="default",
                        help="ROUGE tokenizer: rouge-score's default ([a-z0-9] only) or unicode (any script)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the bootstrap and of the random method (default 0)")
    parser.add_argument("--bootstrap-samples", type=int, default=DEFAULT_SAMPLES,
                        help=f"bootstrap resamples (default {DEFAULT_SAMPLES})")
    parser.add_argument("--confidence", type=float, default=DEFAULT_CONFIDENCE,
                        help=f"confidence level of the intervals (default {DEFAULT_CONFIDENCE})")
    parser.add_argument("--metrics", default="rouge",
                        help="comma-separated metrics: rouge (always computed) and faithfulness "
                             "(summarizers.check_faithfulness against the document); default rouge")
    parser.add_argument("--out", required=True, type=Path, help="folder for the results")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show a progress bar (default: when standard error is a terminal)")


def build_parser() -> argparse.ArgumentParser:
    """The ``summarize-eval`` argument parser (``run``, ``score``, ``compare``)."""
    parser = argparse.ArgumentParser(prog=PROG, description="ROUGE evaluation against reference summaries.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="summarize a data set with methods and score them",
                         description="Summarize every document with every method, score with ROUGE, "
                                     "write results as they come (an interrupted run resumes).")
    _add_dataset_arguments(run)
    run.add_argument("--methods", "-m", required=True,
                     help="comma-separated methods; 'extractive' = every extractive method; "
                          "'oracle' = the extractive upper bound")
    length = run.add_mutually_exclusive_group()
    length.add_argument("--sentences", "-n", type=int, help="sentences per summary (default 3)")
    length.add_argument("--ratio", "-r", type=float, help="fraction of the document's sentences, in (0, 1]")
    length.add_argument("--words", "-w", type=int, help="word budget per summary")
    length.add_argument("--match-reference", action="store_true",
                        help="as many sentences as the (first) reference has")
    _add_scoring_arguments(run)
    run.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    run.add_argument("--endpoint", help="evaluate a running service at this URL (POST /v1/summarize) "
                                        "instead of in-process")
    run.add_argument("--timeout", type=float, default=120.0, help="seconds per HTTP request (--endpoint; default 120)")
    run.add_argument("--overwrite", action="store_true", help="discard earlier results in --out")
    run.add_argument("--retry-failed", action="store_true", help="on resume, redo documents that failed")

    score = sub.add_parser("score", help="score summaries made elsewhere",
                           description="Score a JSONL file of summaries (id, summary, optional system).")
    score.add_argument("--predictions", required=True, type=Path, help="JSONL with id, summary and optionally system")
    score.add_argument("--system", default="system", help="system name for lines without one (default system)")
    _add_dataset_arguments(score)
    _add_scoring_arguments(score)

    compare = sub.add_parser("compare", help="compare two evaluations with a paired bootstrap",
                             description="Per method and ROUGE type: B − A and a paired bootstrap p-value.")
    compare.add_argument("run_a", type=Path, metavar="DIR_A")
    compare.add_argument("run_b", type=Path, metavar="DIR_B")
    compare.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    compare.add_argument("--bootstrap-samples", type=int, default=DEFAULT_SAMPLES,
                         help=f"bootstrap resamples (default {DEFAULT_SAMPLES})")
    compare.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")

    meta = sub.add_parser("meta", help="correlate metrics with human judgments in a data set",
                          description="How well each metric agrees with human judgments: ROC AUC for a "
                                      "binary label, Spearman and Kendall (summary and system level) for a "
                                      "score, with bootstrap intervals over documents.")
    meta.add_argument("--predictions", type=Path,
                      help="JSONL with id, summary, system (or method) and optionally the human field")
    meta.add_argument("--outputs-field",
                      help="instead of --predictions: the data set field mapping system to summary "
                           "(SummEval: system_outputs)")
    meta.add_argument("--human-field", required=True,
                      help="dotted path to the human value, {system} standing for the system's name "
                           "(SummEval: human_scores.{system}.consistency)")
    meta.add_argument("--positive-at", type=float,
                      help="also count a score at or above this value as positive, for ROC AUC (e.g. 5)")
    meta.add_argument("--metrics", default="faithfulness,bigram_overlap",
                      help="comma-separated: faithfulness, rouge (= rouge1, rouge2, rougeLsum), rouge1, "
                           "rouge2, rougeLsum, bigram_overlap (default faithfulness,bigram_overlap; "
                           "ROUGE against many references is slow)")
    _add_dataset_arguments(meta)
    meta.add_argument("--language", "-l", default="english", help="language name or ISO code (default english)")
    meta.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    meta.add_argument("--bootstrap-samples", type=int, default=DEFAULT_SAMPLES,
                      help=f"bootstrap resamples (default {DEFAULT_SAMPLES})")
    meta.add_argument("--confidence", type=float, default=DEFAULT_CONFIDENCE,
                      help=f"confidence level of the intervals (default {DEFAULT_CONFIDENCE})")
    meta.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    return parser


def _check_common(args: argparse.Namespace) -> None:
    if args.limit is not None and args.limit < 1:
        raise EvalError("--limit must be at least 1")
    if args.bootstrap_samples < 1:
        raise EvalError("--bootstrap-samples must be at least 1")
    if not 0 < args.confidence < 1:
        raise EvalError("--confidence must be between 0 and 1, e.g. 0.95")
    if args.seed < 0:
        raise EvalError("--seed must be zero or more")
    args.language = resolve_language_name(args.language)
    if hasattr(args, "metrics") and args.command in ("run", "score"):
        args.metrics = parse_metrics(args.metrics, METRICS)


def parse_metrics(text: str, known: Sequence[str]) -> tuple[str, ...]:
    """The comma-separated metric names of ``text``, checked against ``known``.

    Raises:
        EvalError: an unknown or empty list.
    """
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise EvalError(f"unknown metric(s) {', '.join(map(repr, unknown)) or '(none given)'}; "
                        f"known: {', '.join(known)}")
    return names


def _load(args: argparse.Namespace) -> tuple[list[Any], Any]:
    from .datasets import Fields, load_examples, parse_summary_fields

    fields = Fields(args.id_field, args.document_field, parse_summary_fields(args.summary_field),
                    args.title_field or None)
    return load_examples(args.dataset, fields, limit=args.limit, split=args.split)


def _dataset_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"fields": {"id": args.id_field, "document": args.document_field, "summary": args.summary_field,
                       "title": args.title_field}, "split": args.split, "limit": args.limit}


def cmd_run(args: argparse.Namespace) -> int:
    """``summarize-eval run``."""
    from summarizers import default_registry

    from .runner import RunConfig, expand_methods, run_evaluation, unavailable_methods

    _check_common(args)
    registry = default_registry()
    length = None if args.match_reference else Length.parse(
        {k: getattr(args, k) for k in ("sentences", "ratio", "words") if getattr(args, k) is not None} or None)
    methods = expand_methods(args.methods.split(","), registry, endpoint=bool(args.endpoint))
    if not args.endpoint:
        for name, why in unavailable_methods(methods, registry).items():
            print(f"{PROG}: warning: method {name!r} is unavailable ({why}); "
                  "its documents are recorded as failed", file=sys.stderr)
    config = RunConfig(methods, length, args.language, args.seed, args.tokenizer, args.metrics, args.endpoint,
                       args.timeout, args.bootstrap_samples, args.confidence)
    examples, info = _load(args)
    document = run_evaluation(config, examples, info, args.out, jobs=args.jobs, overwrite=args.overwrite,
                              retry_failed=args.retry_failed, progress=args.progress,
                              extra_options={**_dataset_options(args), "jobs": args.jobs})
    _summary(document, args.out)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    """``summarize-eval score``."""
    from .external import read_system_outputs, score_outputs

    _check_common(args)
    outputs = read_system_outputs(args.predictions, args.system)
    examples, info = _load(args)
    document = score_outputs(
        outputs, examples, info, args.out,
        scorer=ScorerConfig(language=args.language, tokenizer=args.tokenizer, metrics=args.metrics),
        seed=args.seed, samples=args.bootstrap_samples, confidence=args.confidence, progress=args.progress,
        options={**_dataset_options(args), "predictions": str(args.predictions)},
    )
    _summary(document, args.out)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """``summarize-eval compare``."""
    from .compare import compare_runs, comparison_json, render_comparison

    if args.bootstrap_samples < 1:
        raise EvalError("--bootstrap-samples must be at least 1")
    rows, notes = compare_runs(args.run_a, args.run_b, seed=args.seed, samples=args.bootstrap_samples)
    if args.json:
        print(json.dumps(comparison_json(rows, notes), indent=2))
    else:
        sys.stdout.write(render_comparison(rows, notes, args.run_a, args.run_b))
    return 0


def cmd_meta(args: argparse.Namespace) -> int:
    """``summarize-eval meta``."""
    from .datasets import detect_format, read_records
    from .meta import (
        META_METRICS,
        judged_from_dataset,
        judged_from_predictions,
        meta_evaluate,
        metric_values,
        render_meta,
    )

    if (args.predictions is None) == (args.outputs_field is None):
        raise EvalError("give exactly one of --predictions and --outputs-field")
    if args.bootstrap_samples < 1:
        raise EvalError("--bootstrap-samples must be at least 1")
    if not 0 < args.confidence < 1:
        raise EvalError("--confidence must be between 0 and 1, e.g. 0.95")
    args.language = resolve_language_name(args.language)
    expanded = ",".join("rouge1,rouge2,rougeLsum" if m.strip() == "rouge" else m for m in args.metrics.split(","))
    metrics = parse_metrics(expanded, META_METRICS)
    examples, _ = _load(args)
    records, _ = read_records(args.dataset, detect_format(args.dataset), args.split)
    records = list(records)[:len(examples)]
    if args.predictions is not None:
        judged = judged_from_predictions(args.predictions, records, examples, args.human_field)
    else:
        judged = judged_from_dataset(records, examples, args.outputs_field, args.human_field)
    values = metric_values(judged, examples, metrics, args.language)
    result = meta_evaluate(judged, values, positive_at=args.positive_at, seed=args.seed,
                           samples=args.bootstrap_samples, confidence=args.confidence)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        sys.stdout.write(render_meta(result))
    return 0


def _summary(document: dict[str, Any], out: Path) -> None:
    for name, entry in document["methods"].items():
        r = {k: entry[k]["mean"] for k in ("rouge1", "rouge2", "rougeLsum")}
        if "faithfulness" in entry:
            r["faithfulness"] = entry["faithfulness"]["mean"]
        figures = " ".join(f"{k}={v * 100:.2f}" if v is not None else f"{k}=–" for k, v in r.items())
        print(f"{name:12s} {figures} docs={entry['documents']} failed={entry['failed']}")
    print(f"results in {out}/ (report.md, scores.json, scores.csv, scores.png, predictions.jsonl)")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``summarize-eval`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = {"run": cmd_run, "score": cmd_score, "compare": cmd_compare, "meta": cmd_meta}[args.command]
    try:
        return handler(args)
    except ConfigError as exc:  # a bad SUMMARIZE_* variable (read when the registry is built)
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (EvalError, SummarizerError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{PROG}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

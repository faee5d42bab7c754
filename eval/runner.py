"""The evaluation run: summarize every document with every method, score it, write it at once.

A run keeps its settings in ``run.json`` and its results in ``predictions.jsonl`` (see
:mod:`summarizers_eval.predictions`), written through the job engine's durable sink, computed on its worker
pool (:mod:`summarizers.engine`), like ``summarize batch``. Started again with the same settings
it reads what is there, skips every (document, method) already written and computes the rest,
so an interrupted run ends with the same file contents (in another line order) and the same
scores as an uninterrupted one.
Scores are aggregated in data set order, never in the order results arrived, so ``--jobs``
changes nothing but the speed.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from tqdm import tqdm

from summarizers import Length, Registry, SummarizerError, default_registry
from summarizers.engine import EngineError, LocalPool, run_ordered
from summarizers.types import MAX_SENTENCES

from .bootstrap import DEFAULT_CONFIDENCE, DEFAULT_SAMPLES
from .datasets import DatasetInfo, Example
from .endpoint import EndpointClient, EndpointError
from .errors import EvalError
from .oracle import ORACLE_NAME
from .predictions import PREDICTIONS_FILE, prediction_sink
from .report import aggregate, build_scores_document, write_reports
from .scoring import RougeEvaluator, ScorerConfig, sentences_of
from .systems import System, build_system

RUN_FILE = "run.json"
#: ``--methods extractive`` stands for every registered extractive method.
EXTRACTIVE_KEYWORD = "extractive"


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides a run's per-document results (checked again on resume).

    ``length`` ``None`` means "match the reference": each document's summary gets as many
    sentences as its first reference has (split with the library's segmenter).
    """

    methods: tuple[str, ...]
    length: Length | None = field(default_factory=Length)
    language: str = "english"
    seed: int = 0
    tokenizer: str = "default"
    metrics: tuple[str, ...] = ("rouge",)
    endpoint: str | None = None
    timeout: float = 120.0
    bootstrap_samples: int = DEFAULT_SAMPLES
    confidence: float = DEFAULT_CONFIDENCE

    def scorer_config(self) -> ScorerConfig:
        """The scoring settings of this run."""
        return ScorerConfig(language=self.language, tokenizer=self.tokenizer,  # type: ignore[arg-type]
                            metrics=self.metrics)

    def length_dict(self) -> dict[str, Any]:
        """``{"sentences": N}``-style, or ``{"match_reference": "first"}``."""
        return {"match_reference": "first"} if self.length is None else self.length.to_dict()

    def result_settings(self) -> dict[str, Any]:
        """The settings two runs must share to share a predictions file (not methods or limit)."""
        return {"length": self.length_dict(), "language": self.language, "seed": self.seed,
                "scoring": self.scorer_config().to_dict(), "endpoint": self.endpoint}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, recorded in ``run.json`` and ``scores.json``."""
        d = asdict(self)
        d["methods"] = list(self.methods)
        d["length"] = self.length_dict()
        return d


def expand_methods(names: Sequence[str], registry: Registry, *, endpoint: bool = False) -> tuple[str, ...]:
    """Method names with ``extractive`` expanded and duplicates dropped, checked against ``registry``.

    Raises:
        EvalError: an empty list, or (in-process runs) a name that is neither registered nor the oracle.
    """
    out: list[str] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name == EXTRACTIVE_KEYWORD:
            out.extend(m.name for m in registry if m.kind == "extractive")
        elif name == ORACLE_NAME or endpoint or name in registry:
            out.append(name)
        else:
            raise EvalError(f"unknown method {name!r}; known: {', '.join([*registry.names(), ORACLE_NAME])}"
                            f" (or {EXTRACTIVE_KEYWORD!r} for all extractive methods)")
    if not out:
        raise EvalError("--methods names no method")
    return tuple(dict.fromkeys(out))


def unavailable_methods(methods: Sequence[str], registry: Registry) -> dict[str, str]:
    """Methods of ``registry`` among ``methods`` that cannot run here, with the reason and fix."""
    out = {}
    for name in methods:
        if name in registry:
            status = registry.get(name).availability()
            if not status.available:
                out[name] = f"{status.reason}" + (f"; fix: {status.fix}" if status.fix else "")
    return out


def reference_sentences(example: Example, language_code: str) -> int:
    """Sentences of the first reference (at least 1), split with the library's segmenter."""
    return max(1, len(sentences_of(example.references[0], language_code)))


class Evaluator:
    """Summarizes and scores one document with several systems (one per worker process, each
    with its own registry: the built-ins and plugins, or the one given)."""

    def __init__(self, config: RunConfig, registry: Registry | None = None) -> None:
        self.config = config
        self.registry = registry if registry is not None else default_registry()
        self.scorer = RougeEvaluator(config.scorer_config())
        self._client = EndpointClient(config.endpoint, timeout=config.timeout) if config.endpoint else None
        self._systems: dict[str, System] = {}

    def system(self, name: str) -> System:
        """The system called ``name``, built on first use."""
        if name not in self._systems:
            self._systems[name] = build_system(name, language=self.config.language, seed=self.config.seed,
                                               evaluator=self.scorer, registry=self.registry,
                                               endpoint=self._client)
        return self._systems[name]

    def length_for(self, example: Example) -> Length:
        """The requested length for ``example``."""
        if self.config.length is not None:
            return self.config.length
        return Length(sentences=min(MAX_SENTENCES,
                                    reference_sentences(example, self.scorer.language_code)))

    def __call__(self, example: Example, methods: Sequence[str]) -> list[dict[str, Any]]:
        """:meth:`evaluate` (a worker of the engine's pool)."""
        return self.evaluate(example, methods)

    def evaluate(self, example: Example, methods: Sequence[str]) -> list[dict[str, Any]]:
        """One record per method: the summary, its ROUGE and timing, or the error."""
        length = self.length_for(example)
        records = []
        for name in methods:
            base: dict[str, Any] = {"id": example.id, "method": name, "length": length.to_dict()}
            started = time.perf_counter()
            try:
                output = self.system(name)(example, length)
            except (SummarizerError, EndpointError) as exc:
                error = {"code": exc.code, "message": exc.message}
            except Exception as exc:  # a bug in one method must not stop the run: record it
                error = {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
            else:
                seconds = time.perf_counter() - started
                scores = self.scorer.score_dict(example.references, output.summary, example.document)
                records.append({**base, "status": "ok", "summary": output.summary, "words": output.words,
                                "scores": scores, "seconds": seconds})
                continue
            records.append({**base, "status": "failed", "error": error,
                            "seconds": time.perf_counter() - started})
        return records


def start_output(out: Path, config: RunConfig, dataset: DatasetInfo, *, overwrite: bool) -> None:
    """Create ``out``; check (or write) ``run.json`` so that a resume uses the same settings.

    Raises:
        EvalError: ``out`` holds a run with other settings or data (and not ``overwrite``), or
            is not a folder.
    """
    if out.exists() and not out.is_dir():
        raise EvalError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    run_file, predictions = out / RUN_FILE, out / PREDICTIONS_FILE
    wanted = {"settings": config.result_settings(), "dataset": dataset.to_dict()}
    if overwrite:
        predictions.unlink(missing_ok=True)
    elif run_file.exists():
        try:
            previous = json.loads(run_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            previous = None
        if not isinstance(previous, dict):
            raise EvalError(f"{run_file} is damaged; use --overwrite to start again")
        if previous.get("settings") != wanted["settings"]:
            changed = _diff(previous.get("settings"), wanted["settings"])
            raise EvalError(f"{out} holds a run with other settings ({changed}); use the same options "
                            "to resume, another --out, or --overwrite")
        if (previous.get("dataset") or {}).get("sha256") != dataset.sha256:
            raise EvalError(f"{out} holds a run on other data (content hash differs); "
                            "use another --out or --overwrite")
    elif predictions.exists() and predictions.stat().st_size:
        raise EvalError(f"{predictions} exists without {RUN_FILE}; use another --out or --overwrite")
    tmp = run_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(wanted, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(run_file)


def _diff(old: Any, new: dict[str, Any]) -> str:
    if not isinstance(old, dict):
        return "unreadable settings"
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "; ".join(f"{k}: {old.get(k)!r} then, {new.get(k)!r} now" for k in keys)


def run_evaluation(
    config: RunConfig,
    examples: Sequence[Example],
    dataset: DatasetInfo,
    out: Path,
    *,
    jobs: int = 1,
    overwrite: bool = False,
    retry_failed: bool = False,
    progress: bool | None = None,
    extra_options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run (or resume) an evaluation into ``out`` and write the reports; the scores document.

    Raises:
        EvalError: a clash with an earlier run in ``out``, a damaged predictions file, a dead worker.
    """
    if jobs < 1:
        raise EvalError("--jobs must be at least 1")
    start_output(out, config, dataset, overwrite=overwrite)
    sink = prediction_sink(out / PREDICTIONS_FILE)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with sink:
            scan = sink.open(drop=(lambda r: r.get("status") != "ok") if retry_failed else None)
            done = dict(scan.records)
            pending = [(ex, todo) for ex in examples if (todo := [m for m in config.methods if (ex.id, m) not in done])]
            with tqdm(total=sum(len(t) for _, t in pending), unit="summary", disable=not show,
                      desc="summarize-eval") as bar:
                def emit(records: list[dict[str, Any]]) -> None:
                    sink.append(records)
                    for record in records:
                        done[(record["id"], record["method"])] = record
                    bar.update(len(records))

                if pending:
                    pool = LocalPool(partial(Evaluator, config), jobs if len(pending) > 1 else 1)
                    try:
                        run_ordered(pool, pending, emit, capacity=4 * pool.workers)
                    finally:
                        pool.close()
    except EngineError as exc:  # a damaged or busy predictions file, a worker that died
        raise EvalError(exc.message) from None
    kinds = {m: ("oracle" if m == ORACLE_NAME else "method") for m in config.methods}
    methods = aggregate(done, [e.id for e in examples], kinds, seed=config.seed,
                        samples=config.bootstrap_samples, confidence=config.confidence)
    document = build_scores_document(methods, dataset, len(examples), seed=config.seed,
                                     options={**config.to_dict(), **(extra_options or {})},
                                     samples=config.bootstrap_samples, confidence=config.confidence,
                                     scoring=config.scorer_config())
    write_reports(out, document)
    return document

"""``abstractive``: a Hugging Face seq2seq model writes the summary (BART, PEGASUS, T5).

Same interface and result type as the extractive methods: the summary's sentences carry
offsets into the summary itself (``offsets_refer_to="summary"``), the input statistics add
``tokens``, ``truncated`` and ``long_input``, and ``model`` names the model used.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ...document import Document
from ...errors import MethodUnavailable, ModelError, SummarizerError
from ...text.words import count_words
from ...types import Kind, LengthAchieved, QueryInfo, SelectedSentence, Summary
from ..base import MODEL, Availability, Cost, Method, Parameter, Request
from ..query import (
    QUERY_PARAMETER,
    query_matches,
    query_of,
    query_terms,
    query_warning,
    relevance,
    sentence_terms,
)
from .config import DEFAULT_LONG_INPUT, LONG_INPUT_POLICIES, AbstractiveConfig
from .convert import is_converted
from .generation import generate
from .generation_settings import GenerationSettings, cap_to_model, check_token_options, resolve_settings
from .length import trim
from .loader import LoadedModel, ModelLoader, absent_reason, is_present, missing_packages
from .long_input import Plan, PlanResult, Stage, focus, join_units, plan, units_of

log = logging.getLogger(__name__)

#: Ranks sentences for the ``extract`` policy: ``(document, query) -> one score per sentence``
#: (``query`` is ``None`` without one; with one, the ranking is query-aware).
Scorer = Callable[[Document, "str | None"], Sequence[float]]


def build_parameters(config: AbstractiveConfig) -> tuple[Parameter, ...]:
    """The method's options, with the configured models and bounds."""
    return (
        Parameter("model", "string", "a configured model, by name", default=config.default,
                  choices=tuple(config.models)),
        Parameter("long_input", "string", "what to do with input longer than the model takes: keep the "
                  "most important sentences that fit (extract), summarize chunks then their summaries "
                  "(chunk), or cut it (truncate)", default=DEFAULT_LONG_INPUT, choices=LONG_INPUT_POLICIES),
        Parameter("num_beams", "integer", "beams of the beam search; 1 is greedy (default: the model's)",
                  minimum=1, maximum=config.max_beams),
        Parameter("min_new_tokens", "integer", "fewest tokens to generate (default: from the length)",
                  minimum=0, maximum=config.max_new_tokens),
        Parameter("max_new_tokens", "integer", "most tokens to generate (default: from the length)",
                  minimum=1, maximum=config.max_new_tokens),
        Parameter("length_penalty", "number", "beam search: above 1 favours longer summaries "
                  "(default: the model's)", minimum=-5.0, maximum=5.0),
        Parameter("no_repeat_ngram_size", "integer", "never repeat an n-gram of this size; 0 allows "
                  "repeats (default: the model's)", minimum=0, maximum=10),
        QUERY_PARAMETER,
    )


@dataclass
class _Job:
    """One document's progress through summarize_many."""

    document: Document
    request: Request
    loaded: LoadedModel
    settings: GenerationSettings
    plan: Plan
    pending: Stage
    input_tokens: int
    warnings: tuple[str, ...] = ()
    query: QueryInfo | None = None

    def stage_settings(self) -> GenerationSettings:
        """The settings of the pending stage: the job's, with a chunk's cap when it has one."""
        cap = self.pending.max_new_tokens
        if cap is None or cap >= self.settings.max_new_tokens:
            return self.settings
        return replace(self.settings, max_new_tokens=cap, min_new_tokens=min(self.settings.min_new_tokens, cap // 2))


class AbstractiveMethod(Method):
    """Summaries written by a configured seq2seq model, loaded lazily once per process.

    Args:
        config: models and bounds; the defaults when ``None``.
        loader: loads models (injectable for tests); one per method instance.
        scorer: ranks sentences for the ``extract`` policy; when ``None``, the registry's
            configured extractive method (``SUMMARIZE_EXTRACT_METHOD``), injected by
            :meth:`link`. Without either the ``extract`` policy is unavailable.
    """

    name: ClassVar[str] = "abstractive"
    kind: ClassVar[Kind] = "abstractive"
    #: The model's input limit bounds the cost; longer inputs follow ``long_input``.
    default_cost: ClassVar[Cost] = MODEL
    description: ClassVar[str] = "a seq2seq model (BART, PEGASUS, T5) writes a new summary"

    def __init__(self, config: AbstractiveConfig | None = None, *, loader: ModelLoader | None = None,
                 scorer: Scorer | None = None) -> None:
        self.config = config or AbstractiveConfig()
        self.parameters = build_parameters(self.config)
        self._loader = loader or ModelLoader(self.config)
        self._given_scorer = scorer
        self._scorer = scorer

    def link(self, registry: Any) -> None:
        """Take the extract scorer from the registry (:meth:`summarizers.Registry.scorer` of the
        configured extractive method), unless one was given."""
        if self._given_scorer is None:
            self._scorer = registry.scorer(self.config.extract_method)

    # -- availability and loading (for /readyz and metrics) ---------------------------------

    def availability(self) -> Availability:
        """Available when torch and transformers are installed and the default model is on
        this machine. Cheap: no import of torch, no download, no model load."""
        missing = missing_packages()
        if missing:
            return Availability(False, reason=f"{' and '.join(missing)} not installed",
                                fix="pip install 'summarizers[abstractive]' (or: make install)")
        spec = self.config.spec(None)
        if spec.name in self._loader.loaded() or is_present(spec):
            return Availability(True)
        reason, fix = absent_reason(spec)
        return Availability(False, reason=reason, fix=fix, model_missing=True)

    def load(self, name: str | None = None) -> LoadedModel:
        """Load the model called ``name`` (the default when ``None``) now, if not yet loaded.

        Raises:
            InvalidOption: an unknown name. MethodUnavailable: the model is absent here.
            ModelError: it cannot be loaded.
        """
        return self._loader.get(self.config.spec(name))

    def loaded(self, name: str | None = None) -> bool:
        """Whether the model called ``name`` (the default when ``None``) is loaded."""
        return self.config.spec(name).name in self._loader.loaded()

    def models(self) -> list[dict[str, Any]]:
        """The configured models: name, source, default, a local directory, present here, the
        backend that runs it and whether it is converted for CTranslate2, loaded (cheap: no
        download, no load)."""
        loaded = self._loader.loaded()
        return [{"name": spec.name, "source": spec.source, "default": spec.name == self.config.default,
                 "local_directory": spec.is_local, "present": spec.name in loaded or is_present(spec),
                 "backend": self.config.backend_of(spec), "converted": is_converted(spec, self.config),
                 "loaded": spec.name in loaded}
                for spec in self.config.models.values()]

    def load_seconds(self) -> dict[str, float]:
        """How long each loaded model took to load, by name."""
        return {name: m.load_seconds for name, m in self._loader.loaded().items()}

    # -- requests ----------------------------------------------------------------------------

    def validate_options(self, options: Mapping[str, Any] | None) -> dict[str, Any]:
        """The common checks, then ``min_new_tokens`` ≤ ``max_new_tokens``.

        Raises:
            InvalidOption: an unknown option, a value out of bounds, or a min above the max.
        """
        out = super().validate_options(options)
        check_token_options(out)
        return out

    def summarize(self, document: Document, request: Request) -> Summary:
        """Summarize one document.

        Raises:
            InvalidOption: an unknown model. MethodUnavailable: the model is absent here.
            ModelError: the model failed to load or to generate.
        """
        result = self.summarize_many([document], [request])[0]
        if isinstance(result, SummarizerError):
            raise result
        return result

    def summarize_many(self, documents: Sequence[Document],
                       requests: Sequence[Request]) -> list[Summary | SummarizerError]:
        """Summarize several documents together; results in input order, failures in place.

        The texts that every round of the documents' plans needs are grouped by model and
        settings, and generated in batches of similar length (``config.batch_size``).
        """
        results: list[Summary | SummarizerError | None] = [None] * len(documents)
        jobs: dict[int, _Job] = {}
        for i, (document, request) in enumerate(zip(documents, requests, strict=True)):
            try:
                jobs[i] = self._start(document, request)
            except SummarizerError as exc:
                results[i] = exc
            except Exception as exc:
                results[i] = _internal(exc)
        while jobs:
            outputs = self._run_round(jobs)
            for i in list(jobs):
                job = jobs[i]
                failed = next((o for o in outputs[i] if isinstance(o, SummarizerError)), None)
                try:
                    if failed is not None:
                        job.plan.close()
                        raise failed
                    job.pending = job.plan.send(outputs[i])
                except StopIteration as stop:
                    del jobs[i]
                    try:
                        results[i] = self._finish(job, stop.value)
                    except SummarizerError as exc:
                        results[i] = exc
                except SummarizerError as exc:
                    del jobs[i]
                    results[i] = exc
                except Exception as exc:
                    del jobs[i]
                    results[i] = _internal(exc)
        return results  # type: ignore[return-value]

    def _start(self, document: Document, request: Request) -> _Job:
        loaded = self._loader.get(self.config.spec(request.option("model")))
        settings = resolve_settings(
            loaded.defaults, request.options, request.length, len(document.sentences),
            loaded.tokens_per_word, max_beams=self.config.max_beams, max_new_tokens=self.config.max_new_tokens,
        )
        settings, capped = cap_to_model(settings, loaded.max_new_tokens, loaded.spec.name)
        units = units_of(document.paragraphs, loaded.count_tokens)
        policy = request.option("long_input", DEFAULT_LONG_INPUT)
        warnings = [capped] if capped else []
        query = query_of(request)
        found = relevance(sentence_terms(document), query_terms(query, document.language)) if query else None
        if query is not None and found is not None and found.matched:  # extract then abstract
            the_plan = focus(units, loaded.content_budget, loaded.count_tokens, self._score(document, query),
                             (found.scores > 0).tolist())
        else:
            note = query_warning(found, query) if query is not None and found is not None else None
            warnings += [note] if note else []
            the_plan = plan(policy, units, loaded.content_budget, loaded.count_tokens,
                            lambda: self._score(document, None))
        pending = next(the_plan)
        input_tokens = loaded.count_tokens([loaded.prefix + join_units(units)])[0] + loaded.special_tokens
        info = QueryInfo(query, found.terms, found.expansion, query_matches(document, found)) \
            if query is not None and found is not None else None
        return _Job(document, request, loaded, settings, the_plan, pending, input_tokens, tuple(warnings), info)

    def _run_round(self, jobs: Mapping[int, _Job]) -> dict[int, list[str | ModelError]]:
        """Generate every pending text of ``jobs``, batched by model and settings."""
        groups: dict[tuple[str, GenerationSettings], list[tuple[int, int]]] = {}
        for i, job in jobs.items():
            for k in range(len(job.pending.texts)):
                groups.setdefault((job.loaded.spec.name, job.stage_settings()), []).append((i, k))
        outputs = {i: [""] * len(job.pending.texts) for i, job in jobs.items()}
        for (_, settings), slots in groups.items():
            loaded = jobs[slots[0][0]].loaded
            texts = [jobs[i].pending.texts[k] for i, k in slots]
            for (i, k), out in zip(slots, generate(loaded, texts, settings, self.config.batch_size),
                                   strict=True):
                outputs[i][k] = out
        return outputs

    def _score(self, document: Document, query: str | None) -> Sequence[float]:
        if self._scorer is None:
            raise MethodUnavailable("the extract policy and queries need an extractive scorer; none was given",
                                    reason="no extract scorer",
                                    field="options.query" if query else "options.long_input")
        return self._scorer(document, query)

    def _finish(self, job: _Job, outcome: PlanResult) -> Summary:
        document, request = job.document, job.request
        available = len(document.sentences)
        trimmed = trim(outcome.text, document.language.code, request.length, available)
        if not trimmed.text:
            raise ModelError(f"model {job.loaded.spec.name!r} wrote an empty summary", model=job.loaded.spec.name)
        sentences = tuple(SelectedSentence(s.text, s.start, s.end, None, rank)
                          for rank, s in enumerate(trimmed.sentences, start=1))
        extra = {"tokens": job.input_tokens, "truncated": outcome.truncated, "long_input": outcome.policy,
                 "max_input_tokens": job.loaded.max_input_tokens, **outcome.details}
        loaded = job.loaded
        return Summary(
            summary=trimmed.text,
            method=self.name,
            kind=self.kind,
            sentences=sentences,
            offsets_refer_to="summary",
            input=replace(document.stats(), extra=extra),
            length=LengthAchieved(len(sentences), count_words(trimmed.text), len(trimmed.text), request.length),
            warnings=(*job.warnings, *outcome.warnings, *trimmed.warnings),
            headline=document.headline,
            model={
                "name": loaded.spec.name, "source": loaded.spec.source, "backend": loaded.backend,
                "architecture": loaded.architecture,
                "device": loaded.device, "dtype": loaded.dtype, "prefix": loaded.prefix,
                "generation": job.settings.to_dict(),
            },
            query=job.query,
        )


def _internal(exc: Exception) -> ModelError:
    log.debug("abstractive summary failed", exc_info=True)  # one line reaches the user; --debug shows this
    return ModelError(f"abstractive summary failed: {type(exc).__name__}: {exc}")


def abstractive_method(config: AbstractiveConfig | None = None) -> AbstractiveMethod:
    """The registry's factory: configured by ``config`` (read once, at start, by
    :func:`summarizers.config.read_config`; the defaults when ``None``); its extract scorer is
    injected when the registry links it (:meth:`AbstractiveMethod.link`)."""
    return AbstractiveMethod(config if config is not None else AbstractiveConfig())

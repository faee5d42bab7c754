"""The digest's per-article and per-story work, the same in this process, a pool process or a
Ray actor: analyse articles, rank stories, write abstractive summaries. One registry per worker
(models load once); a failing article becomes its error, never an exception.

With :class:`~summarizers.batch.limits.DocumentLimits`, each article's preparation (the document
stage and the method's scoring: the work whose cost one client-sent article decides) runs under
the limits of a batch document: in the worker's one warm child (:class:`~summarizers.batch.limits.GuardedChild`,
reused across articles, killed past the time limit, its address space capped), or, with
``isolation="inline"``, here under the cooperative deadline; an article over ``max_bytes`` is
refused. Past a limit the article is its ``timeout`` or ``input_too_large`` error entry."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..api import summarize_prepared
from ..batch.limits import ChildFailed, DocumentLimits, GuardedChild
from ..batch.worker import internal_error
from ..deadline import time_limit
from ..engine.child import kept
from ..errors import InputTooLarge, SummarizerError, SummaryTimeout
from ..methods.base import Request
from ..registry import Registry, default_registry
from ..request import WireRequest
from ..text.language import resolve_language_name
from .analysed import AnalysedArticle, analyse_article
from .ranking import RankedStory, rank_story
from .records import Article

log = logging.getLogger(__name__)

RegistryFactory = Callable[[], Registry]


@dataclass(frozen=True)
class Plan:
    """The digest's requests, prepared once (:func:`~summarizers.digest.build.make_plan`, with
    :meth:`Registry.prepare`) and carried to every worker as wire forms (read back there with
    :meth:`Registry.from_wire`, nothing validated again).

    Attributes:
        extractive: the request that ranks a story's sentences (the method, length, default
            language and options, the query included).
        ranking: the same without the query: an article's own ranking.
        abstractive: the request that writes each story's summary, or ``None``.
        settings: the settings the digest reports, as the caller gave them.
        query_filter: drop the stories that do not bear on ``options.query`` (see
            :data:`~.build.QUERY_FILTER_COVERAGE`).
    """

    extractive: WireRequest
    ranking: WireRequest
    abstractive: WireRequest | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    query_filter: bool = False


def registry_of(registry: Registry) -> Registry:
    """``registry`` itself (a picklable factory for workers given the caller's registry)."""
    return registry


class DigestWorker:
    """Runs the digest's tasks with one registry for its whole life.

    Args:
        plan: the digest's settings.
        registry_factory: builds the registry on first use (picklable).
        limits: each article's limits (``None``: none, the article is prepared here).
    """

    def __init__(self, plan: Plan, registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> None:
        self.plan = plan
        self._factory = registry_factory
        self._registry: Registry | None = None
        self._requests: dict[tuple[str, str | None], Request] = {}
        self.limits = limits
        self._child: GuardedChild | None = None

    def request(self, kind: str, language: str | None = None) -> Request:
        """The prepared request of ``kind``: ``extractive`` (the digest's method and options),
        ``ranking`` (the same without the query: an article's own ranking) or ``abstractive``;
        read from the plan's wire form, or, for a record's own ``language`` other than the
        plan's, prepared once for it (the language is the one new value to check).

        Raises:
            SummarizerError: an unsupported ``language``.
        """
        key = (kind, language)
        if key not in self._requests:
            if self._registry is None:
                self._registry = self._factory()
            wire = getattr(self.plan, kind)
            assert wire is not None, f"the plan has no {kind} request"
            if language is None or resolve_language_name(language, allow_auto=True) == wire["language"]:
                self._requests[key] = self._registry.from_wire(wire)
            else:
                self._requests[key] = self._registry.prepare(wire["method"], wire["length"], language,
                                                             wire["options"])
        return self._requests[key]

    def __call__(self, task: str, payload: Sequence[Any]) -> list[Any]:
        """Run ``task`` on each element of ``payload``: ``analyse`` (articles), ``rank`` (stories:
        lists of analysed articles) or ``abstract`` (``(language, text)`` pairs)."""
        return [getattr(self, f"_{task}")(x) for x in payload]

    def _analyse(self, article: Article) -> AnalysedArticle | dict[str, Any]:
        limits = self.limits
        try:
            if limits is None:
                return self.analyse(article)
            oversize = limits.oversize(_text_bytes(article)) if article.kind != "url" else None
            if oversize is not None:
                return oversize.to_dict()
            if limits.isolation == "inline":
                with time_limit(limits.timeout):
                    return self.analyse(article)
            if self._child is None:
                self._child = GuardedChild(self._factory, limits)
            return self._child.call(AnalyseTask(self.plan, article), article.id)
        except (SummaryTimeout, InputTooLarge) as exc:
            return exc.to_dict()
        except ChildFailed as exc:
            log.error("digest: article %r failed in its process: %s", article.id, exc)
            return exc.error
        except Exception as exc:  # a bug must cost one article, not the digest
            log.exception("digest: article %r failed", article.id)
            return internal_error(exc)

    def analyse(self, article: Article) -> AnalysedArticle | dict[str, Any]:
        """``article`` prepared here, or its error entry for a refused article.

        Raises:
            Exception: a bug (or ``MemoryError``): the caller decides what it costs.
        """
        try:
            return analyse_article(article, self.request("extractive", article.language),
                                   self.request("ranking", article.language))
        except SummarizerError as exc:
            return exc.to_dict()

    def close(self) -> None:
        """Stop the article child, if any."""
        if self._child is not None:
            self._child.discard()
            self._child = None

    def _rank(self, story: Sequence[AnalysedArticle]) -> RankedStory:
        return rank_story(story, self.request("extractive", story[0].language))

    def _abstract(self, job: tuple[str, str]) -> Any:
        language, text = job
        try:
            return summarize_prepared(self.request("abstractive", language), text)
        except SummarizerError as exc:
            return exc


def _text_bytes(article: Article) -> int:
    return len(article.text.encode("utf-8", "surrogatepass")) if isinstance(article.text, str) else 0


@dataclass(frozen=True)
class AnalyseTask:
    """One article's preparation, sent to a :class:`~summarizers.batch.limits.GuardedChild`:
    called there with the child's registry (see :meth:`GuardedChild.call`), on the child's kept
    digest worker (:func:`~summarizers.engine.child.kept`)."""

    plan: Plan
    article: Article

    def __call__(self, registry: Registry) -> AnalysedArticle | dict[str, Any]:
        """The article prepared (or its error entry); ``MemoryError`` and bugs propagate."""
        worker = kept(("digest", id(registry), repr(self.plan)),
                      lambda: DigestWorker(self.plan, partial(registry_of, registry)))
        return worker.analyse(self.article)

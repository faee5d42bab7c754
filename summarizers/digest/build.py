"""The digest from end to end: records -> analysed articles (on the workers) -> near-duplicates
and stories (here) -> a ranking per story (on the workers) -> the digest, with redundancy
control across the whole digest (here) -> abstractive summaries when asked (on the workers)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from ..batch.items import Item
from ..batch.limits import DocumentLimits
from ..engine.pool import LocalPool, run_ordered
from ..errors import InvalidInput, InvalidLength, InvalidOption
from ..registry import Registry, default_registry
from ..text.language import get_language
from ..types import DEFAULT_LANGUAGE, DEFAULT_METHOD, Length, Summary
from .analysed import AnalysedArticle
from .dedup import duplicate_sets
from .grouping import group_stories
from .ranking import RankedStory
from .records import Article, from_item, from_mapping
from .repeats import RepeatIndex, bigrams
from .types import Digest, DigestError, DigestSentence, Duplicate, FilteredStory, Story
from .worker import DigestWorker, Plan, registry_of

#: Articles or stories per task sent to a worker.
CHUNK = 32
#: Importance: ``log(1 + articles) + log(1 + sources) + RECENCY_WEIGHT * 2 ** (-age / RECENCY_HALF_LIFE)``.
RECENCY_WEIGHT = 1.0
RECENCY_HALF_LIFE_HOURS = 24.0
#: ``query_filter``: a story bears on the query when its articles use at least this share of
#: the query's terms (by their weight in the query): all of a one-word query, one of two...
QUERY_FILTER_COVERAGE = 0.5

#: ``progress(stage, done, total)``: stages ``prepare``, ``group``, ``rank``, ``write``.
ProgressCallback = Callable[[str, int, int], None]


def summarize_digest(
    documents: Iterable[Mapping[str, Any] | str | Item],
    *,
    method: str = DEFAULT_METHOD,
    length: Length | Mapping[str, Any] | int | None = None,
    language: str = DEFAULT_LANGUAGE,
    options: Mapping[str, Any] | None = None,
    group_by: str | None = None,
    registry: Registry | None = None,
    jobs: int = 1,
    pool: Any = None,
    progress: ProgressCallback | None = None,
    query_filter: bool = False,
    limits: DocumentLimits | None = None,
    registry_factory: Callable[[], Registry] | None = None,
) -> Digest:
    """A newsletter digest of ``documents``: one entry per story, nothing said twice.

    Args:
        documents: articles: mappings with ``id``, one of ``text``/``html``/``url``, and
            optionally ``title``, ``source``, ``published`` (ISO 8601), ``language``; bare strings;
            or batch reader items (:func:`summarizers.batch.read_items` with
            :func:`~summarizers.digest.records.digest_fields`).
        method: the extractive method whose sentence ranking each article contributes (default
            ``newsrank``), or an abstractive method (e.g. ``abstractive``), which then rewrites each
            story's extracted sentences, checked by the grounding check.
        length: per story: ``{"sentences": N}`` or ``{"words": W}`` (default 3 sentences).
        language: the language of records without a ``language`` field (``"auto"``: detected).
        options: the method's options.
        group_by: a record field whose value names each article's story (a feed, a section, a
            cluster id), instead of grouping by content; articles without it are stories of one.
        registry: the methods (default: the built-ins and plugins).
        jobs: worker processes for the per-article and per-story work (1: this process).
        pool: a ready pool (e.g. a :class:`~summarizers.engine.ray.RayPool` of
            :class:`~summarizers.digest.worker.DigestWorker`), used instead of ``jobs``.
        progress: called as work is done.
        query_filter: with ``options.query``, leave out the stories that do not bear on it (whose
            articles use less than :data:`QUERY_FILTER_COVERAGE` of the query's terms); they are
            listed in the digest's ``filtered``.
        limits: each article's limits (time, memory, size), as a batch document's: an article
            past them is its ``timeout`` or ``input_too_large`` error entry (see
            :mod:`~summarizers.digest.worker`). ``None`` (default): in-process, no limits.
        registry_factory: builds ``registry`` in each worker and article process (picklable),
            instead of pickling ``registry`` itself.

    Raises:
        SummarizerError: for settings every document shares (unknown method, bad length...).
    """
    if registry is None:
        registry = registry_factory() if registry_factory is not None else default_registry()
        if registry_factory is None and limits is not None:
            registry_factory = default_registry  # the article processes build theirs
    plan = make_plan(registry, method, length, language, options, query_filter=query_filter)
    own_pool = pool is None
    if own_pool:
        factory = registry_factory or partial(registry_of, registry)
        pool = LocalPool(partial(DigestWorker, plan, factory, limits), jobs)
    try:
        return run_digest(documents, plan, pool, group_by=group_by, progress=progress)
    finally:
        if own_pool:
            pool.close()


def make_plan(registry: Registry, method: str, length: Any, language: str,
              options: Mapping[str, Any] | None, *, query_filter: bool = False) -> Plan:
    """The digest's :class:`Plan`, validated once here (the same checks as :meth:`Registry.prepare`).

    Raises:
        SummarizerError: unknown method, unavailable method, bad length, language or option.
    """
    parsed = Length.parse(length)
    if parsed.ratio is not None:
        raise InvalidLength("a digest's length is per story: give sentences or words, not a ratio",
                            field="length.ratio")
    chosen = registry.get(method)
    given = dict(options or {})
    if query_filter and not (isinstance(given.get("query"), str) and given["query"].strip()):
        raise InvalidOption("the query filter needs a query (options.query, --query)", field="query_filter")
    if chosen.kind == "extractive":
        extractive, abstractive, ranked = method, None, given
    else:
        abstractive = registry.prepare(method, parsed, language, given).to_wire()
        extractive = DEFAULT_METHOD if DEFAULT_METHOD in registry else "lead"
        ranked = {k: v for k, v in given.items() if k in ("order", "query")}
    settings = {"method": method, "ranking": extractive, "length": parsed.to_dict(), "language": language,
                "options": given}
    request = registry.prepare(extractive, parsed, language, ranked).to_wire()
    plain = {k: v for k, v in ranked.items() if k != "query"}  # the ranking is the request without a query
    ranking = request if plain == ranked else registry.prepare(extractive, parsed, language, plain).to_wire()
    return Plan(extractive=request, ranking=ranking, abstractive=abstractive, settings=settings,
                query_filter=query_filter)


def _articles(documents: Iterable[Mapping[str, Any] | str | Item], group_by: str | None) -> list[Article]:
    out = []
    for index, record in enumerate(documents):
        out.append(from_item(record, index, group_by) if isinstance(record, Item)
                   else from_mapping(record, index, group_by))
    return out


def _chunks(values: Sequence[Any], task: str) -> Iterable[tuple[str, list[Any]]]:
    for start in range(0, len(values), CHUNK):
        yield (task, list(values[start:start + CHUNK]))


def run_digest(documents: Iterable[Mapping[str, Any] | str | Item], plan: Plan, pool: Any, *,
               group_by: str | None = None, progress: ProgressCallback | None = None) -> Digest:
    """:func:`summarize_digest` with its plan made and its pool running."""
    notify = progress or (lambda stage, done, total: None)
    articles = _articles(documents, group_by)
    errors: list[DigestError] = []
    seen: set[Any] = set()
    good: list[Article] = []
    for a in articles:
        key = (type(a.id).__name__, a.id)
        if a.error is not None:
            errors.append(DigestError(a.id, a.error))
        elif key in seen:
            errors.append(DigestError(a.id, InvalidInput(f"id {a.id!r} is used by an earlier record; "
                                                         "every article needs its own id", field="id").to_dict()))
        else:
            seen.add(key)
            good.append(a)

    analysed: list[AnalysedArticle] = []
    done = 0

    def collect_analysed(results: list[Any]) -> None:
        nonlocal done
        for article, result in zip(good[done:done + len(results)], results, strict=True):
            if isinstance(result, AnalysedArticle):
                analysed.append(result)
            else:
                errors.append(DigestError(article.id, result))
        done += len(results)
        notify("analyse", done, len(good))

    notify("analyse", 0, len(good))
    run_ordered(pool, _chunks(good, "analyse"), collect_analysed)
    notify("group", 0, len(analysed))
    stories, copies = find_stories(analysed, group_by)
    notify("group", len(analysed), len(analysed))

    ranked: list[RankedStory] = []
    originals = [[analysed[i] for i in story if i not in copies] for story in stories]

    def collect_ranked(results: list[RankedStory]) -> None:
        ranked.extend(results)
        notify("rank", len(ranked), len(stories))

    order = _importance_order(analysed, stories)
    run_ordered(pool, _chunks([originals[k] for k, _ in order], "rank"), collect_ranked)
    filtered: list[FilteredStory] = []
    if plan.query_filter:
        order, ranked, filtered = _filter(order, ranked, stories, analysed)
    entries = _select(plan, analysed, stories, copies, order, ranked)
    if plan.abstractive is not None:
        languages = [analysed[stories[k][0]].language for k, _ in order]
        entries = _abstract(pool, entries, languages, notify)
    position = {id(a.error): a.index for a in articles if a.error is not None}
    position.update({(type(a.id).__name__, a.id): a.index for a in good})
    errors.sort(key=lambda e: position.get(id(e.error), position.get((type(e.id).__name__, e.id), 0)))
    given = plan.settings
    settings = {"method": given["method"], "ranking": given["ranking"], "length": given["length"],
                "language": given["language"], "group_by": group_by, "options": dict(given["options"])}
    if plan.query_filter:
        settings["query_filter"] = {"min_coverage": QUERY_FILTER_COVERAGE}
    notify("write", len(entries), len(entries))
    return Digest(tuple(entries), tuple(errors), settings, tuple(filtered) if plan.query_filter else None)


def _filter(order: list[tuple[int, float]], ranked: list[RankedStory], stories: list[list[int]],
            analysed: Sequence[AnalysedArticle]) -> tuple[list[tuple[int, float]], list[RankedStory],
                                                          list[FilteredStory]]:
    """The stories that bear on the query (coverage at least :data:`QUERY_FILTER_COVERAGE`), and
    the others, reported."""
    kept_order, kept, dropped = [], [], []
    for (k, importance), story in zip(order, ranked, strict=True):
        coverage = story.query_coverage or 0.0
        if coverage >= QUERY_FILTER_COVERAGE:
            kept_order.append((k, importance))
            kept.append(story)
        else:
            dropped.append(FilteredStory(story.headline, tuple(analysed[i].id for i in stories[k]), coverage))
    return kept_order, kept, dropped


def find_stories(analysed: Sequence[AnalysedArticle], group_by: str | None = None, *,
                 threshold: float | None = None) -> tuple[list[list[int]], dict[int, int]]:
    """The digest's stories of ``analysed`` (lists of indices, in input order, within each language;
    by the ``group`` field under ``group_by``, else by content: near-duplicates, then
    :func:`~.grouping.group_stories` over their originals, at ``threshold``, the default link
    threshold unless given) and ``{copy: original}`` for the near-duplicates."""
    partitions: dict[Any, list[int]] = defaultdict(list)
    for i, a in enumerate(analysed):
        key = (a.language, a.group if a.group is not None else ("#", i)) if group_by else a.language
        partitions[key].append(i)
    stories: list[list[int]] = []
    copies: dict[int, int] = {}
    for members in partitions.values():
        roots = duplicate_sets([analysed[i].minhash for i in members])
        sets: dict[int, list[int]] = defaultdict(list)  # the global index of each set's root -> its members
        root_of: dict[int, int] = {}
        for k, root in enumerate(roots):
            sets[members[root]].append(members[k])
            root_of[members[k]] = members[root]
        firsts = []
        for group in sets.values():
            original = min(group, key=lambda i: (_time(analysed[i]), -len(analysed[i].text), i))
            firsts.append(original)
            copies.update({i: original for i in group if i != original})
        if group_by:
            stories.append(sorted(members))
            continue
        firsts.sort()
        for story in group_stories([analysed[i] for i in firsts], threshold):
            heads = [firsts[k] for k in story]
            stories.append(sorted(i for head in heads for i in sets[root_of[head]]))
    stories.sort(key=lambda s: s[0])
    return stories, copies


def _time(a: AnalysedArticle) -> float:
    return a.published if a.published is not None else math.inf


def _importance_order(analysed: Sequence[AnalysedArticle], stories: list[list[int]]) -> list[tuple[int, float]]:
    """``(story index, importance)`` from the most important story down."""
    times = [a.published for a in analysed if a.published is not None]
    newest = max(times) if times else None
    scored = []
    for k, story in enumerate(stories):
        members = [analysed[i] for i in story]
        sources = {a.source for a in members if a.source} or {a.id for a in members}
        latest = max((a.published for a in members if a.published is not None), default=None)
        recency = 0.0
        if newest is not None and latest is not None:
            recency = 2.0 ** (-(newest - latest) / 3600.0 / RECENCY_HALF_LIFE_HOURS)
        score = math.log1p(len(members)) + math.log1p(len(sources)) + RECENCY_WEIGHT * recency
        scored.append((k, score))
    scored.sort(key=lambda x: (-x[1], stories[x[0]][0]))
    return scored


def _iso(moment: float | None) -> str | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def _select(plan: Plan, analysed: Sequence[AnalysedArticle], stories: list[list[int]], copies: dict[int, int],
            order: list[tuple[int, float]], ranked: list[RankedStory]) -> list[Story]:
    """The stories in rank order with their sentences, none repeating one taken before it."""
    index = RepeatIndex()
    length = Length.parse(plan.extractive["length"])
    entries = []
    for rank, ((k, importance), story) in enumerate(zip(order, ranked, strict=True), start=1):
        members = [analysed[i] for i in stories[k]]
        stem = get_language(members[0].language).stemmer
        chosen: list[DigestSentence] = []
        words = 0
        for candidate in story.candidates:
            if _reached(length, len(chosen), words):
                break
            if not _fits(length, words, candidate.words) and chosen:
                continue
            bag = bigrams(candidate.text, stem)
            if index.repeats(bag):
                continue
            index.add(bag)
            chosen.append(DigestSentence(candidate.text, candidate.document, candidate.start, candidate.end))
            words += candidate.words
        sources = tuple(dict.fromkeys(a.source for a in members if a.source))
        duplicates = tuple(Duplicate(analysed[i].id, analysed[copies[i]].id) for i in stories[k] if i in copies)
        entries.append(Story(
            id=f"story-{rank}", headline=story.headline, summary=" ".join(s.text for s in chosen),
            sentences=tuple(chosen), documents=tuple(a.id for a in members), duplicates=duplicates,
            sources=sources, importance=importance,
            published=_iso(max((a.published for a in members if a.published is not None), default=None)),
        ))
    return entries


def _reached(length: Length, sentences: int, words: int) -> bool:
    if length.sentences is not None:
        return sentences >= length.sentences
    return words >= (length.words or 0)


def _fits(length: Length, words: int, more: int) -> bool:
    return length.sentences is not None or words + more <= (length.words or 0)


def _abstract(pool: Any, entries: list[Story], languages: list[str], notify: ProgressCallback) -> list[Story]:
    """Each story's summary rewritten by the abstractive method from its extracted sentences
    (through the grounding check of :func:`summarizers.api.finish`)."""
    jobs = [(e, lang) for e, lang in zip(entries, languages, strict=True) if e.sentences]
    results: list[Any] = []

    def collect(part: list[Any]) -> None:
        results.extend(part)
        notify("abstract", len(results), len(jobs))

    payload = [(lang, e.summary) for e, lang in jobs]
    run_ordered(pool, _chunks(payload, "abstract"), collect)
    rewritten = dict(zip((id(e) for e, _ in jobs), results, strict=True))
    out = []
    for entry in entries:
        result = rewritten.get(id(entry))
        if isinstance(result, Summary):
            out.append(_rewritten(entry, result))
        else:
            out.append(entry)  # the extractive summary stands when the model fails
    return out


def _rewritten(entry: Story, result: Summary) -> Story:
    """``entry`` with the abstractive ``result``, whose support spans index the joined extract."""
    bounds = []
    at = 0
    for s in entry.sentences:
        bounds.append((at, at + len(s.text), s))
        at += len(s.text) + 1
    sentences = []
    for generated in result.sentences:
        best = max(generated.support, key=lambda x: x.score, default=None)
        source = next((s for lo, hi, s in bounds if best is not None and lo <= best.start < hi), None)
        sentences.append(DigestSentence(generated.text, source.document if source else None,
                                        source.start if source else None, source.end if source else None))
    faithfulness = result.faithfulness.to_dict() if result.faithfulness is not None else None
    return Story(entry.id, entry.headline, result.summary, tuple(sentences), entry.documents, entry.duplicates,
                 entry.sources, entry.importance, entry.published, faithfulness)

"""Inputs longer than the model takes: the ``truncate``, ``chunk`` and ``extract`` policies.

Each policy is a *plan*: a generator that yields the texts it needs summarized and receives
their summaries, until it returns the final summary and what it did (:class:`PlanResult`).
Each round is a :class:`Stage`. The method drives the plans of many documents together, so
that every ``generate`` call can batch texts of several documents. Plans see the model only
through token counts, so they are tested without one.

- ``truncate``: the start of the text, cut at the model's input length.
- ``chunk``: sentence-aligned chunks that fit are summarized, then their joined summaries
  (again in chunks if they still do not fit, up to :data:`MAX_LEVELS` rounds).
- ``extract``: the most important sentences (by an extractive method's scores) that fit,
  kept in document order, then summarized.

With a query (``options.query``), :func:`focus` replaces the policy: the model reads only the
sentences that bear on the query, best first by the query-aware extractive scores, as many as
fit (extract then abstract), so that the abstract answers the query.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...types import Length, Span
from ..extractive import select

#: Rounds of chunk summaries before the ``chunk`` policy falls back to truncating.
MAX_LEVELS = 3
#: Fewest tokens a chunk summary may be given (below that it says nothing).
MIN_CHUNK_SUMMARY = 24
#: With a query, the model reads at least this many sentences (the best by the query-aware
#: scores) even when fewer bear on the query, so that it has some context to write from.
MIN_FOCUS_SENTENCES = 3

CountTokens = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True)
class Stage:
    """Texts a plan needs summarized; ``max_new_tokens`` caps their summaries when set."""

    texts: list[str]
    max_new_tokens: int | None = None


Plan = Generator[Stage, list[str], "PlanResult"]


@dataclass(frozen=True)
class Unit:
    """A sentence (or a chunk summary) with its token count and paragraph number."""

    text: str
    tokens: int
    paragraph: int


@dataclass
class PlanResult:
    """The final generated text and what the policy did to the input."""

    text: str
    policy: str
    truncated: bool
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def units_of(paragraphs: Sequence[Sequence[Span]], count_tokens: CountTokens) -> list[Unit]:
    """The sentences of ``paragraphs`` as units (each counted as following a space)."""
    flat = [(p, s.text) for p, para in enumerate(paragraphs) for s in para]
    counts = count_tokens([" " + text for _, text in flat])
    return [Unit(text, n, p) for (p, text), n in zip(flat, counts, strict=True)]


def join_units(units: Sequence[Unit]) -> str:
    """Sentences joined by a space within a paragraph, paragraphs by a newline."""
    out: list[str] = []
    previous: int | None = None
    for unit in units:
        if out:
            out.append(" " if unit.paragraph == previous else "\n")
        out.append(unit.text)
        previous = unit.paragraph
    return "".join(out)


def pack(units: Sequence[Unit], budget: int) -> list[list[int]]:
    """Consecutive units grouped into chunks of at most ``budget`` tokens (sentence-aligned).

    A unit longer than the budget makes a chunk of its own (to be cut by the tokenizer).
    """
    chunks: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, unit in enumerate(units):
        if current and used + unit.tokens > budget:
            chunks.append(current)
            current, used = [], 0
        current.append(i)
        used += unit.tokens
    if current:
        chunks.append(current)
    return chunks


def pick(units: Sequence[Unit], scores: Sequence[float], budget: int) -> list[int]:
    """Indices of the best-scored units whose tokens fit ``budget``, in document order.

    Units are taken by rank; one that does not fit is skipped and smaller ones are still
    tried. When not even the best fits, it is taken alone (and cut by the tokenizer).
    """
    _, ranks, _ = select([Span(u.text, 0, 0) for u in units], scores, Length(sentences=1))
    ranking = sorted(range(len(units)), key=ranks.__getitem__)  # the library's ranking, best first
    chosen, used = [], 0
    for i in ranking:
        if used + units[i].tokens <= budget:
            chosen.append(i)
            used += units[i].tokens
    return sorted(chosen or ranking[:1])


def plan(policy: str, units: list[Unit], budget: int, count_tokens: CountTokens,
         scores: Callable[[], Sequence[float]]) -> Plan:
    """The plan of ``policy`` for a document of ``units`` and an input ``budget`` in tokens.

    Args:
        policy: ``truncate``, ``chunk`` or ``extract``.
        units: the document's sentences.
        budget: tokens of text one model input holds.
        count_tokens: the model tokenizer's counts (no special tokens).
        scores: the extractive scores of ``units``, computed only when needed.

    Raises:
        ValueError: an unknown policy (options are validated before this).
    """
    if policy == "truncate":
        return _truncate(units, budget, count_tokens)
    if policy == "chunk":
        return _chunk(units, budget, count_tokens)
    if policy == "extract":
        return _extract(units, budget, count_tokens, scores)
    raise ValueError(f"unknown long-input policy {policy!r}")


def focus(units: list[Unit], budget: int, count_tokens: CountTokens, scores: Sequence[float],
          relevant: Sequence[bool]) -> Plan:
    """The plan of a query: the units that bear on it (``relevant``), taken by ``scores`` (the
    query-aware ranking) while they fit ``budget``, in document order; when fewer than
    :data:`MIN_FOCUS_SENTENCES` bear on it, the best-scored units make up the number."""
    n = len(units)
    pool = [i for i in range(n) if relevant[i]]
    if len(pool) < MIN_FOCUS_SENTENCES:
        best = sorted(range(n), key=lambda i: (-scores[i], i))
        pool = sorted(set(pool) | set(best[: MIN_FOCUS_SENTENCES - len(pool)]))
    chosen = [pool[k] for k in pick([units[i] for i in pool], [scores[i] for i in pool], budget)]
    while len(chosen) > 1 and count_tokens([join_units([units[i] for i in chosen])])[0] > budget:
        chosen.remove(min(chosen, key=lambda i: scores[i]))
    result = PlanResult("", "extract", len(chosen) < n)
    result.details["query_sentences"] = len(chosen)
    result.text = (yield Stage([join_units([units[i] for i in chosen])]))[0]
    return result


def _truncate(units: list[Unit], budget: int, count_tokens: CountTokens) -> Plan:
    text = join_units(units)
    tokens = count_tokens([text])[0]
    result = PlanResult("", "truncate", tokens > budget)
    if result.truncated:
        result.warnings.append(f"the input has {tokens} tokens, over the model's {budget}: "
                               f"only its first {budget} tokens were read")
    result.text = (yield Stage([text]))[0]
    return result


def _extract(units: list[Unit], budget: int, count_tokens: CountTokens,
             scores: Callable[[], Sequence[float]]) -> Plan:
    text = join_units(units)
    result = PlanResult("", "extract", False)
    if count_tokens([text])[0] > budget:
        ranking_scores = list(scores())
        chosen = pick(units, ranking_scores, budget)
        # Counted one by one, sentences can come out a token or two over once joined.
        while len(chosen) > 1 and count_tokens([join_units([units[i] for i in chosen])])[0] > budget:
            chosen.remove(min(chosen, key=lambda i: ranking_scores[i]))
        text = join_units([units[i] for i in chosen])
        result.truncated = True
        result.details["sentences_kept"] = len(chosen)
        result.warnings.append(f"the input is over the model's {budget} tokens: {len(chosen)} of "
                               f"{len(units)} sentences were kept (the most important that fit)")
    result.text = (yield Stage([text]))[0]
    return result


def _chunk(units: list[Unit], budget: int, count_tokens: CountTokens) -> Plan:
    result = PlanResult("", "chunk", False)
    level = list(units)
    total = count_tokens([join_units(level)])[0]
    levels = 0
    while total > budget:
        if levels == MAX_LEVELS:
            result.truncated = True
            result.warnings.append(f"chunk summaries still exceed {budget} tokens after {levels} rounds: "
                                   "their end was cut")
            break
        groups = pack(level, budget)
        if any(sum(level[i].tokens for i in g) > budget for g in groups):
            result.truncated = True
            result.warnings.append(f"a sentence longer than the model's {budget} tokens was cut")
        result.details.setdefault("chunks", len(groups))
        # Each chunk summary gets its share of one input, so that together they fit.
        share = max(MIN_CHUNK_SUMMARY, budget // len(groups))
        summaries = yield Stage([join_units([level[i] for i in g]) for g in groups], share)
        counts = count_tokens(summaries)
        levels += 1
        new_total = sum(counts)
        level = [Unit(s, n, k) for k, (s, n) in enumerate(zip(summaries, counts, strict=True))]
        if new_total >= total:  # the summaries are no shorter than the text: stop here
            total = new_total
            if total > budget:
                result.truncated = True
                result.warnings.append(f"chunk summaries are over the model's {budget} tokens: their end was cut")
            break
        total = new_total
    result.details["levels"] = levels
    result.text = (yield Stage([join_units(level)]))[0]
    return result

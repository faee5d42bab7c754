"""Checking a summary against its source: support spans and unsupported items per sentence,
and one faithfulness score. Pure functions; the source side comes from :func:`build_index`."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..text.segment import split_sentences
from ..types import Faithfulness, Span, Support, Unsupported
from .align import align
from .facts import Fact, dates, entity_runs, numbers, quotes
from .index import SourceIndex, content_stems
from .score import KINDS, faithfulness_score
from .tokens import MONTHS, WEEKDAYS, Token, is_negation, tokenize

#: A negation is only judged against support this close to the sentence.
NEGATION_MIN_SUPPORT = 0.6
#: ... and only in sentences of at least this many words.
NEGATION_MIN_WORDS = 5


@dataclass(frozen=True)
class SentenceCheck:
    """One summary sentence checked: its span, support score and spans, unsupported items."""

    text: str
    start: int
    end: int
    support_score: float
    support: tuple[Support, ...]
    unsupported: tuple[Unsupported, ...]
    bigrams: int
    bigrams_found: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (``support``/``unsupported`` as in the result contract)."""
        return {
            "text": self.text, "start": self.start, "end": self.end,
            "support_score": round(self.support_score, 4),
            "support": [vars_of(s) for s in self.support],
            "unsupported": [vars_of(u) for u in self.unsupported],
        }


@dataclass(frozen=True)
class FaithfulnessReport:
    """The result of :func:`check_faithfulness`: the score, counts by kind and every sentence."""

    score: float
    counts: dict[str, int]
    sentences: tuple[SentenceCheck, ...]

    @property
    def faithfulness(self) -> Faithfulness:
        """The result-type summary of this report (``score`` and ``counts``)."""
        return Faithfulness(self.score, dict(self.counts))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: ``score``, ``counts`` and ``sentences``."""
        return {"score": self.score, "counts": dict(self.counts),
                "sentences": [s.to_dict() for s in self.sentences]}


def vars_of(obj: object) -> dict[str, Any]:
    """A frozen dataclass's fields as a dict (shallow)."""
    return {k: getattr(obj, k) for k in obj.__dataclass_fields__}  # type: ignore[attr-defined]


def lowercased(sentences: Sequence[list[Token]]) -> bool:
    """Whether a text is written in lower case: no capitalised word except sentence openers."""
    seen = 0
    for tokens in sentences:
        for t in tokens[1:]:
            if t.lower == "i" or t.text[0].isdigit():
                continue
            if t.capitalised:
                return False
            seen += 1
    return seen >= 5


def check_spans(text: str, spans: Sequence[Span], index: SourceIndex) -> FaithfulnessReport:
    """Check the sentences ``spans`` of ``text`` (offsets into ``text``) against ``index``."""
    tokens = [tokenize(text, s.start, s.end) for s in spans]
    lower_case = lowercased(tokens)
    checks = tuple(check_sentence(text, s, index, lower_case, t) for s, t in zip(spans, tokens, strict=True))
    counts = dict.fromkeys(KINDS, 0)
    for c in checks:
        for u in c.unsupported:
            counts[u.kind] += 1
    return FaithfulnessReport(faithfulness_score(checks), counts, checks)


def check_sentence(text: str, span: Span, index: SourceIndex, lower_case: bool = False,
                   tokens: list[Token] | None = None) -> SentenceCheck:
    """Check one sentence ``text[span.start:span.end]`` against ``index`` (``tokens``: its
    tokens, when already known)."""
    if tokens is None:
        tokens = tokenize(text, span.start, span.end)
    score, support = align(content_stems(tokens, index.language), index)
    lowers = [t.lower for t in tokens]
    pairs = list(itertools.pairwise(lowers))
    found = sum(1 for p in pairs if p in index.bigrams)
    items: list[Unsupported] = []
    dated = set()
    for fact in dates(tokens):
        dated.update(range(fact.start, fact.end))
        if not _date_supported(fact, index):
            items.append(_item(fact.kind, text, fact.start, fact.end))
    for fact in numbers(text, tokens, span.start, span.end):
        if fact.start not in dated and not _number_supported(fact, index):
            items.append(_item("number", text, fact.start, fact.end))
    items.extend(_entities(text, tokens, index, lower_case))
    items.extend(_quotes(text, span, index))
    items.extend(_negation(text, tokens, support, index, score))
    items.sort(key=lambda u: (u.start, u.end))
    return SentenceCheck(span.text, span.start, span.end, score, support, tuple(items),
                         len(pairs), found)


def _item(kind: str, text: str, start: int, end: int) -> Unsupported:
    return Unsupported(kind, text[start:end], start, end)


def _number_supported(fact: Fact, index: SourceIndex) -> bool:
    value, tolerance = fact.key
    exact = 1e-9 * max(1.0, abs(value))
    return any(abs(v - value) <= exact or abs(v - value) < tolerance for v in index.numbers)


def _date_supported(fact: Fact, index: SourceIndex) -> bool:
    key = fact.key
    if key in index.date_keys:
        return True
    if key[0] == "year":
        return float(key[1]) in index.numbers
    if key[0] == "month" and len(key) == 3:
        return key[:2] in index.date_keys and float(key[2]) in index.numbers
    return False


def _known(token: Token, index: SourceIndex) -> bool:
    return token.lower in index.words or index.language.stemmer(token.lower) in index.stems


def _entities(text: str, tokens: list[Token], index: SourceIndex, lower_case: bool) -> list[Unsupported]:
    stop = index.language.stop_words
    runs = entity_runs(tokens, frozenset({tokens[0].start} if tokens else ()), stop)
    if lower_case:
        runs += _lower_case_runs(tokens, index)
    elif tokens and _new_opening_name(tokens, index):
        runs.insert(0, tokens[:1])
    out = []
    for run in runs:
        if any(t.lower not in stop and not _known(t, index) for t in run):
            out.append(_item("entity", text, run[0].start, run[-1].end))
    return out


def _new_opening_name(tokens: list[Token], index: SourceIndex) -> bool:
    """Whether a sentence opens with a single capitalised word the source never uses (a name:
    "Sterling said..."); a common word the source lacks ("Officials said...") is taken too."""
    first = tokens[0]
    return first.capitalised and first.text.isalpha() and first.lower not in index.language.stop_words \
        and (len(tokens) == 1 or not tokens[1].capitalised) and first.lower not in MONTHS \
        and first.lower not in WEEKDAYS and not _known(first, index)


def _lower_case_runs(tokens: list[Token], index: SourceIndex) -> list[list[Token]]:
    """In lower-cased text, a new word right before a word the source only writes as a name
    ("rochelle" in "rochelle sterling"), and not right after one ("liverpool beat porto"), is
    taken for a new first name."""
    stop, names = index.language.stop_words, index.name_words - index.lower_words
    runs = []
    for k in range(len(tokens) - 1):
        a, b = tokens[k], tokens[k + 1]
        if b.lower in names and a.lower not in stop and a.text.isalpha() and not _known(a, index) \
                and (k == 0 or tokens[k - 1].lower not in names):
            runs.append([a, b])
    return runs


def _quotes(text: str, span: Span, index: SourceIndex) -> list[Unsupported]:
    out = []
    for start, end in quotes(text, span.start, span.end):
        words = [t.lower for t in tokenize(text, start, end)]
        if not words:
            continue
        if len(words) <= 2:
            ok = all(w in index.words for w in words)
        else:
            ok = f" {' '.join(words)} " in index.flat or sum(
                p in index.bigrams for p in itertools.pairwise(words)
            ) >= 0.8 * (len(words) - 1)
        if not ok:
            out.append(_item("quote", text, start, end))
    return out


def _negation(text: str, tokens: list[Token], support: tuple[Support, ...], index: SourceIndex,
              score: float) -> list[Unsupported]:
    """A negation the supporting sentences lack, or a word they negate stated plainly."""
    if score < NEGATION_MIN_SUPPORT or not support or len(tokens) < NEGATION_MIN_WORDS:
        return []
    negations = [t for t in tokens if is_negation(t.lower)]
    starts = {s.start for s in support}
    negated_support = [i for i, s in enumerate(index.sentences) if s.start in starts and index.negated[i]]
    if negations and not negated_support:
        return [_item("negation", text, t.start, t.end) for t in negations]
    if negated_support and not negations:
        governed = frozenset().union(*(index.negated_stems[i] for i in negated_support))
        stem, stop = index.language.stemmer, index.language.stop_words
        for t in tokens:
            if t.lower not in stop and stem(t.lower) in governed:
                return [_item("negation", text, t.start, t.end)]
    return []


def check_text(summary: str, index: SourceIndex) -> FaithfulnessReport:
    """Check a summary given as plain text (split into sentences here) against ``index``."""
    spans = []
    for line_start, line in _lines(summary):
        spans.extend(split_sentences(summary, index.language.code, line_start, line_start + len(line)))
    return check_spans(summary, spans, index)


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            out.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    return out

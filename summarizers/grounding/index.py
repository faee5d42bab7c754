"""The source side of a check, built once per document: sentences with offsets, stems and an
inverted index for alignment, and the facts the source states (numbers, dates, words)."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..text.language import Language, get_language
from ..text.segment import split_sentences
from ..types import Span
from .facts import dates, numbers
from .tokens import Token, is_negation, tokenize

_LINE_RE = re.compile(r"[^\r\n]+")
#: Distinct sources whose index is kept for repeated checks (one per worker is the usual case).
INDEX_CACHE_SIZE = 64


@dataclass(frozen=True, eq=False)
class SourceIndex:
    """Everything a check needs from one source text.

    Attributes:
        text: the source; ``sentences`` its sentences (offsets into ``text``).
        language: the language whose stemmer and stop words are used.
        postings: content stem -> the indices of the sentences holding it; ``pair_postings``:
            the same for pairs of adjacent sentences (pair ``i`` is sentences ``i`` and ``i + 1``).
            Memory grows with the text, not with sentences × words.
        idf: per stem its inverse sentence frequency (names count more than common words);
            ``unseen_idf`` the weight of a stem the source lacks.
        negated: per sentence, whether it holds a negation; ``negated_stems`` per sentence the
            stems of the words a negation governs (the few words after it).
        words: every lower-cased word of the source; ``stems`` every stem.
        bigrams: every pair of adjacent lower-cased tokens.
        flat: the lower-cased tokens joined by single spaces, padded (for quote look-ups).
        numbers: the values of the source's numbers; ``date_keys`` its dates' keys, with
            ``("month", m)`` for every dated month and ``("day", d)`` for every day number.
        name_words: lower-cased words written capitalised inside a source sentence;
            ``lower_words`` the words written in lower case somewhere.
    """

    text: str
    language: Language
    sentences: tuple[Span, ...]
    postings: dict[str, np.ndarray]
    pair_postings: dict[str, np.ndarray]
    idf: dict[str, float]
    unseen_idf: float
    negated: tuple[bool, ...]
    negated_stems: tuple[frozenset[str], ...]
    words: frozenset[str]
    stems: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    flat: str
    numbers: tuple[float, ...]
    date_keys: frozenset[tuple]
    name_words: frozenset[str]
    lower_words: frozenset[str]


def content_stems(tokens: list[Token], language: Language) -> list[str]:
    """Stems of the tokens that are neither stop words nor single characters."""
    stop, stem = language.stop_words, language.stemmer
    return [stem(t.lower) for t in tokens if t.lower not in stop and len(t.lower) > 1]


def source_sentences(text: str, code: str) -> list[Span]:
    """The sentences of ``text``, line by line (a line break always ends a sentence)."""
    out: list[Span] = []
    for line in _LINE_RE.finditer(text):
        if line.group().strip():
            out.extend(split_sentences(text, code, line.start(), line.end()))
    return out


#: Words after a negation that it governs ("did not *sign* the deal").
NEGATION_SCOPE = 3
_CLAUSE_END = re.compile(r"[.,;:!?()]")


def _negated_stems(text: str, tokens: list[Token], negations: list[int], language: Language) -> frozenset[str]:
    """Stems of the words a negation governs: the next few words in its clause, not names;
    a stem also used outside any negation in the sentence is left out."""
    stop, stem = language.stop_words, language.stemmer
    governed: set[str] = set()
    positions: set[int] = set()
    for k in negations:
        for a in tokens[k + 1:k + 1 + NEGATION_SCOPE]:
            if _CLAUSE_END.search(text, tokens[k].end, a.start):
                break
            positions.add(a.start)
            if a.lower not in stop and not a.capitalised and a.text.isalpha():
                governed.add(stem(a.lower))
    plain = {stem(t.lower) for t in tokens if t.start not in positions}
    return frozenset(governed - plain)


def _pair_ids(ids: list[int], n: int) -> list[int]:
    """The pairs of adjacent sentences (by first index) holding a stem found in sentences ``ids``."""
    if n < 2:
        return ids
    pairs = {i - 1 for i in ids if i > 0}
    pairs.update(i for i in ids if i < n - 1)
    return sorted(pairs)


@lru_cache(maxsize=INDEX_CACHE_SIZE)
def build_index(text: str, language: str = "english") -> SourceIndex:
    """The :class:`SourceIndex` of ``text`` (cached: checking many summaries of one source
    builds it once).

    Raises:
        UnsupportedLanguage: for an unknown ``language``.
    """
    lang = get_language(language)
    sentences = tuple(source_sentences(text, lang.code))
    found: dict[str, list[int]] = {}
    negated_stems = []
    negated = []
    all_tokens: list[Token] = []
    name_words = set()
    for s in sentences:
        tokens = tokenize(text, s.start, s.end)
        all_tokens.extend(tokens)
        negations = [k for k, t in enumerate(tokens) if is_negation(t.lower)]
        negated.append(bool(negations))
        negated_stems.append(_negated_stems(text, tokens, negations, lang) if negations else frozenset())
        for stem in set(content_stems(tokens, lang)):
            found.setdefault(stem, []).append(len(negated) - 1)
        name_words.update(t.lower for t in tokens[1:] if t.capitalised)
    n = len(sentences)
    postings = {stem: np.array(ids, dtype=np.intp) for stem, ids in found.items()}
    pair_postings = {stem: np.array(_pair_ids(ids, n), dtype=np.intp) for stem, ids in found.items()}
    lowers = [t.lower for t in all_tokens]
    date_keys = set()
    for fact in dates(all_tokens):
        date_keys.add(fact.key)
        if fact.key[0] == "month" and len(fact.key) == 3:
            date_keys.add(fact.key[:2])
    return SourceIndex(
        text=text,
        language=lang,
        sentences=sentences,
        postings=postings,
        pair_postings=pair_postings,
        idf={stem: math.log((n + 1) / (len(ids) + 0.5)) for stem, ids in postings.items()},
        unseen_idf=math.log((n + 1) / 0.5),
        negated=tuple(negated),
        negated_stems=tuple(negated_stems),
        words=frozenset(lowers),
        stems=frozenset(lang.stemmer(w) for w in set(lowers)),
        bigrams=frozenset(itertools.pairwise(lowers)),
        flat=" " + " ".join(lowers) + " ",
        numbers=tuple(f.key[0] for f in numbers(text, all_tokens)),
        date_keys=frozenset(date_keys),
        name_words=frozenset(name_words),
        lower_words=frozenset(t.lower for t in all_tokens if not t.capitalised),
    )

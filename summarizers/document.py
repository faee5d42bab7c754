"""Turning raw input into a :class:`Document`: validated text, candidate sentences with
offsets, the headline, and what was left out as boilerplate. Pure functions, no models."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from .errors import InvalidInput
from .text.boilerplate import (
    CAPTION_SENTENCE,
    MARKERS,
    all_pieces,
    belongs_to_block,
    boilerplate_reason,
    caption_block_end,
    dateline_length,
    ends_like_sentence,
    glued_infixes,
    glued_prefixes,
    glued_suffix,
    header_run_length,
    whole_piece,
)
from .text.language import Language, detect_language, get_language, is_auto
from .text.segment import split_sentences
from .text.signals import CONTENT_SIGNALS, EDGE_END, EDGE_START, normalise, removes, signals
from .text.words import count_words, has_words
from .types import InputStats, Removed, Span

#: A first line this short without final punctuation, followed by more text, is a headline.
HEADLINE_MAX_WORDS = 20
#: A line this short without final punctuation is a fragment (a subheading, a label).
FRAGMENT_MAX_WORDS = 8
#: A glued piece of two to this many words that a rule of these families matches whole is a label
#: ("More stories", "Watch the video"), cut without a content signal (a lone "Reuters." ending a
#: sentence is not one).
GLUED_LABEL_WORDS = 5
GLUED_LABEL_FAMILIES = frozenset({"navigation", "video", "share", "newsletter", "app"})
#: At most this many pieces are cut from the start of one sentence.
MAX_CUTS = 6
#: A sentence holding a run of more than this many characters without a space is not prose (the
#: longest word or link in BBC and SummEval has 49 characters): a pasted blob, an encoded image, a
#: hostile input. It is never a candidate (reason ``unbroken``), so a text of nothing else is refused.
UNBROKEN_MAX = 1_000

_LINE_RE = re.compile(r"[^\r\n]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Control characters other than whitespace, and the replacement character.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")
_BULLET_RE = re.compile(r"^[-–—•*▪·●]\s+(?=\w)")


@dataclass(frozen=True)
class Document:
    """A text ready for summarization.

    Attributes:
        text: the text every offset refers to (the input, or the text extracted from HTML).
        language: the resolved language.
        paragraphs: candidate sentences grouped by paragraph (boilerplate and headline removed).
        headline: the detected headline, never a candidate.
        removed: spans left out, each with its reason.
        source: ``"text"`` or ``"html"``.
        language_confidence: the detector's confidence when the language was detected.
        warnings: notes for the caller (a language that could not be detected...).
        origin: where HTML came from: its ``encoding``, and for a fetched page its ``url``.
    """

    text: str
    language: Language
    paragraphs: tuple[tuple[Span, ...], ...]
    headline: Span | None
    removed: tuple[Removed, ...]
    source: Literal["text", "html"] = "text"
    language_confidence: float | None = None
    warnings: tuple[str, ...] = ()
    origin: Mapping[str, Any] | None = None

    @cached_property
    def sentences(self) -> tuple[Span, ...]:
        """Every candidate sentence, in document order."""
        return tuple(s for p in self.paragraphs for s in p)

    def stats(self) -> InputStats:
        """Input statistics: characters of the text, candidate sentences and their words."""
        sentences = self.sentences
        return InputStats(
            characters=len(self.text),
            sentences=len(sentences),
            words=sum(count_words(s.text) for s in sentences),
            language=self.language.name,
            source=self.source,
            removed=self.removed,
            language_confidence=self.language_confidence,
            origin=self.origin,
        )


def validate_text(text: object, field: str = "text") -> str:
    """Return ``text`` as a str, or raise :class:`InvalidInput` with a clear message.

    Bytes are decoded as UTF-8. Empty, whitespace-only and binary-looking input is refused.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{field} is not valid UTF-8 (byte {exc.start}); send UTF-8 text", field=field
            ) from None
    if not isinstance(text, str):
        raise InvalidInput(f"{field} must be a string, not {type(text).__name__}", field=field)
    if _SURROGATE.search(text):
        raise InvalidInput(f"{field} holds half a UTF-16 surrogate pair, which is not a character", field=field)
    if "\x00" in text or _control_ratio(text) > 0.05:
        raise InvalidInput(f"{field} looks like binary data, not text", field=field)
    if not text.strip():
        raise InvalidInput(f"{field} is empty", field=field)
    return text


def _control_ratio(text: str) -> float:
    sample = text[:10_000]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


def build_document(
    text: str,
    language: str | Language = "english",
    *,
    title: str | None = None,
    source: Literal["text", "html"] = "text",
) -> Document:
    """Validate ``text`` and split it into candidate sentences, headline and boilerplate.

    Every line is split into sentences first and the boilerplate rules judge each sentence (a
    short line is one sentence; an article on one long line loses nothing for its last
    sentence's credit); boilerplate glued to a sentence (a dateline, a video prompt, a
    "(file picture)" credit, a "By . Author . PUBLISHED: ..." run) is cut from it. A rule
    removes a piece only when a general signal (:mod:`summarizers.text.signals`) agrees.
    Everything left out is in :attr:`Document.removed` with its reason and signals.

    Args:
        text: the article text (one paragraph per line works best; one long line works too).
        language: a resolved :class:`Language`, a supported language name or ISO 639-1 code,
            or ``"auto"`` to detect it.
        title: the article's headline when the caller knows it; a first line repeating it
            is reported as the headline.
        source: where the text came from, reported in the statistics.

    Raises:
        InvalidInput: empty, binary, or no sentence left once boilerplate is removed.
        UnsupportedLanguage: for an unsupported language (given, or detected with confidence).
    """
    text = validate_text(text)
    detection = detect_language(text) if is_auto(language) else None
    if detection is not None:
        lang = get_language(detection.name)
    else:
        lang = language if isinstance(language, Language) else get_language(language)
    lines = _lines(text)

    headline, lines = _split_headline(lines, title, lang.code)
    removed: list[Removed] = []
    units = [_unit(text, line, lang, removed) for line in lines]
    context = _Context.of(units, lang)
    paragraphs: list[list[Span]] = []
    fragments: list[Span] = []
    for unit in units:
        if unit.line is None:
            continue
        if not unit.bullet and not ends_like_sentence(unit.line.text) and unit.words <= FRAGMENT_MAX_WORDS:
            reason = boilerplate_reason(unit.line.text) or all_pieces(unit.line.text)
            found = context.signals(unit.line.text, unit.sentences)
            if reason and removes(reason, found):  # a short line of boilerplate, not just a fragment
                removed.append(_removed(unit.line, f"boilerplate:{reason}", found))
            else:
                fragments.append(unit.line)
            continue
        paragraph = _clean_unit(text, unit, context, removed)
        if paragraph:
            paragraphs.append(paragraph)

    paragraphs = _remove_block_edges(paragraphs, removed)
    if not paragraphs and fragments:  # a text of short unpunctuated lines: keep them
        paragraphs = [[f] for f in fragments if has_words(f.text) and not unbroken(f.text)]
    else:
        removed.extend(Removed(f.start, f.end, "fragment", f.text) for f in fragments)
    if not paragraphs and headline is not None:  # only a "headline": it is the text
        paragraphs = [[headline]]
        headline = None
    if not paragraphs:
        raise InvalidInput("text has no sentence to summarize (only boilerplate or no words)", field="text")
    removed.sort(key=lambda r: r.start)
    return Document(
        text, lang, tuple(map(tuple, paragraphs)), headline, tuple(removed), source,
        language_confidence=detection.confidence if detection else None,
        warnings=(detection.warning,) if detection and detection.warning else (),
    )


@dataclass(frozen=True)
class _Unit:
    """A line of the text, its sentences, and whether it is a list item (``line`` is ``None``
    when a header run was all there was)."""

    line: Span | None
    sentences: tuple[Span, ...] = ()
    bullet: bool = False
    words: int = 0


def _unit(text: str, line: Span, lang: Language, removed: list[Removed]) -> _Unit:
    """Cut a header run and a bullet marker from ``line`` and split it into sentences."""
    if cut := header_run_length(line.text):
        removed.append(Removed(line.start, line.start + cut, "boilerplate:header", line.text[:cut]))
        rest = line.text[cut:]
        stripped = rest.lstrip()
        if not stripped:
            return _Unit(None)
        start = line.start + cut + len(rest) - len(stripped)
        line = Span(stripped, start, line.end)
    bullet = _BULLET_RE.match(line.text)
    if bullet:  # a list item: its text is content, the marker is not
        line = Span(line.text[bullet.end():], line.start + bullet.end(), line.end)
    sentences = tuple(split_sentences(text, lang.code, line.start, line.end))
    return _Unit(line, sentences, bool(bullet), count_words(line.text))


@dataclass(frozen=True)
class _Context:
    """What the signals need to know about the whole document."""

    stop_words: frozenset[str]
    code: str
    counts: Counter[str]
    edge: frozenset[int]

    @classmethod
    def of(cls, units: list[_Unit], lang: Language) -> _Context:
        sentences = [s for u in units for s in u.sentences]
        counts = Counter(normalise(s.text) for s in sentences)
        counts.update(normalise(u.line.text) for u in units if u.line is not None and len(u.sentences) > 1)
        starts = [s.start for s in sentences]
        edge = frozenset(starts[:EDGE_START] + starts[-EDGE_END:])
        return cls(lang.stop_words, lang.code, counts, edge)

    cache: dict[tuple[str, bool], frozenset[str]] = field(default_factory=dict, compare=False)

    def signals(self, piece: str, sentences: tuple[Span, ...] | list[Span]) -> frozenset[str]:
        """The signals of ``piece``, which spans ``sentences`` of the document (each piece is
        judged once per document however often a rule asks)."""
        edge = any(s.start in self.edge for s in sentences)
        found = self.cache.get((piece, edge))
        if found is None:
            found = self.cache[piece, edge] = signals(
                piece, stop_words=self.stop_words, code=self.code, repeats=self.counts[normalise(piece)], edge=edge,
            )
        return found


#: Families whose sentences come in blocks (a consent banner, a rights notice, a newsletter box).
BLOCK_FAMILIES = frozenset({"consent", "credit", "newsletter", "paywall", "app", "share", "comment_form",
                            "navigation"})
#: A sentence of at most this many words next to such a sentence belongs to its block ("Your
#: privacy matters to us." before a cookie notice, "No part of it may be reproduced." after one).
BLOCK_EDGE_WORDS = 8


def _remove_block_edges(paragraphs: list[list[Span]], removed: list[Removed]) -> list[list[Span]]:
    """``paragraphs`` without the short sentences that open or close a block of boilerplate: a
    candidate of at most :data:`BLOCK_EDGE_WORDS` words whose neighbour in the text (the sentence
    just before or after it, on its line or the next) was removed whole by a rule of a
    :data:`BLOCK_FAMILIES` family goes with it, under the same reason, when it uses that family's
    words (:func:`~summarizers.text.boilerplate.belongs_to_block`)."""
    blocks = [r for r in removed if r.reason.removeprefix("boilerplate:") in BLOCK_FAMILIES]
    if not blocks:
        return paragraphs
    kept = [s for p in paragraphs for s in p]
    items = sorted([(s.start, 0, i) for i, s in enumerate(kept)] + [(r.start, 1, i) for i, r in enumerate(blocks)])
    edges: dict[int, Removed] = {}
    for k, (_, kind, i) in enumerate(items):
        if kind or count_words(kept[i].text) > BLOCK_EDGE_WORDS:
            continue
        for j in (k - 1, k + 1):
            block = blocks[items[j][2]] if 0 <= j < len(items) and items[j][1] else None
            if block is not None and belongs_to_block(kept[i].text, block.reason.removeprefix("boilerplate:")):
                edges[i] = Removed(kept[i].start, kept[i].end, block.reason, kept[i].text, block.signals)
                break
    if not edges:
        return paragraphs
    removed.extend(edges.values())
    gone = {kept[i].start for i in edges}
    return [q for p in paragraphs if (q := [s for s in p if s.start not in gone])]


def _clean_unit(text: str, unit: _Unit, context: _Context, removed: list[Removed]) -> list[Span]:
    """The candidate sentences of ``unit`` once each is cleaned (see :func:`_clean`). An agency
    photo caption is removed as a block: the sentences after its opening one, up to the one that
    ends with the agency's credit ("... to meet Putin. (AP Photo/Minh Hoang)"), go with it."""
    kept: list[Span] = []
    texts = [s.text for s in unit.sentences]
    block_end, block_signals = -1, ()
    for i, sentence in enumerate(unit.sentences):
        if i <= block_end:
            removed.append(Removed(sentence.start, sentence.end, "boilerplate:caption", sentence.text, block_signals))
            continue
        cleaned = _clean(text, sentence, i == 0, context, removed)
        if cleaned:
            kept.extend(cleaned)
        elif removed and removed[-1].start == sentence.start and removed[-1].reason == "boilerplate:caption" \
                and CAPTION_SENTENCE.match(sentence.text):
            block_end, block_signals = caption_block_end(texts, i), removed[-1].signals
    return kept


def _glued_signals(context: _Context, piece: str, sentence: Span, rule: str = "") -> frozenset[str]:
    """The signals that let a rule cut ``piece`` glued to ``sentence`` (empty: keep it).

    A glued piece is unpunctuated and short by nature, and at the edge when its sentence is:
    those say nothing. It takes a signal about its content, unless it is a marker such as
    "Advertisement" or a bracketed picture credit ("(file picture)").
    """
    found = context.signals(piece, [sentence])
    if CONTENT_SIGNALS.intersection(found):
        return found
    label = piece.strip().lower()
    if label in MARKERS or (label.startswith("(") and label.rstrip(".").endswith(")")):
        return found | {"marker"}
    if rule in GLUED_LABEL_FAMILIES and 2 <= count_words(label) <= GLUED_LABEL_WORDS and whole_piece(piece):
        return found | {"marker"}  # "More stories", "Watch the video", "@desk for live updates"
    return frozenset()


def unbroken(text: str) -> bool:
    """Whether ``text`` holds a run of more than :data:`UNBROKEN_MAX` characters without
    whitespace (linear in the text)."""
    return len(text) > UNBROKEN_MAX and any(len(word) > UNBROKEN_MAX for word in text.split())


def _removed(span: Span, reason: str, found: frozenset[str] = frozenset()) -> Removed:
    return Removed(span.start, span.end, reason, span.text, tuple(sorted(found)))


def _clean(text: str, sentence: Span, first: bool, context: _Context, removed: list[Removed]) -> list[Span]:
    """``sentence`` without the boilerplate glued to it: empty when it is boilerplate (or has no
    word), two sentences or more when a label glued inside it is cut ("... next year @desk for
    live updates The council ..."): the text on either side of the label. Whatever is cut or
    dropped goes to ``removed``."""
    kept: list[Span] = []
    rest: Span | None = sentence
    for cuts in range(len(sentence.text) + 1):  # each turn cuts a label: the rest gets shorter
        if rest is None:
            break
        head, rest = _clean_piece(text, rest, first, context, removed, inner=cuts < MAX_CUTS)
        if head is not None:
            kept.append(head)
        first = False
    return kept


def _clean_piece(text: str, sentence: Span, first: bool, context: _Context, removed: list[Removed], *,
                 inner: bool = True) -> tuple[Span | None, Span | None]:
    """``sentence`` without the boilerplate glued to it (``None`` when it is boilerplate), and
    the rest of it to clean in turn when a label glued inside it was cut (else ``None``; labels
    inside are looked for only with ``inner``: at most :data:`MAX_CUTS` of them a sentence)."""
    original = sentence
    if unbroken(sentence.text):
        removed.append(_removed(sentence, "unbroken"))
        return None, None
    if not ends_like_sentence(sentence.text) and (rule := all_pieces(sentence.text)):
        found = context.signals(sentence.text, [original])  # only glued pieces: "Most Read 1 of 12"
        if removes(rule, found):
            removed.append(_removed(sentence, f"boilerplate:{rule}", found))
            return None, None
    found = context.signals(sentence.text, [original]) if CAPTION_SENTENCE.match(sentence.text) else frozenset()
    if found and removes("caption", found):
        # "In this March 2, 2019, photo, North Korean leader ..." is a caption as a whole: cutting
        # its opening off would leave the rest of the caption.
        removed.append(_removed(sentence, "boilerplate:caption", found))
        return None, None
    for _ in range(MAX_CUTS):  # a dateline, then a glued prompt, ...
        cut = dateline_length(sentence.text) if first and sentence.start == original.start else 0
        reason = "dateline"
        found: frozenset[str] = frozenset()
        if not cut:
            cut, rule, found = next(
                ((n, rule, found) for n, rule in glued_prefixes(sentence.text)
                 if (found := _glued_signals(context, sentence.text[:n], original))),
                (0, "", frozenset()),
            )
            reason = f"boilerplate:{rule}"
        if not cut or not reason:
            break
        piece = Span(sentence.text[:cut], sentence.start, sentence.start + cut)
        removed.append(_removed(piece, reason, found))
        start = sentence.start + cut
        sentence = Span.of(text, start, sentence.end)
    rest = None
    if inner and (label := _glued_inner(context, sentence, original)):
        begin, end, reason, found = label
        removed.append(Removed(sentence.start + begin, sentence.start + end, reason, sentence.text[begin:end],
                               tuple(sorted(found))))
        after = sentence.start + end + len(sentence.text[end:]) - len(sentence.text[end:].lstrip())
        rest = Span.of(text, after, sentence.end)
        head_end = sentence.start + len(sentence.text[:begin].rstrip())
        sentence = Span.of(text, sentence.start, head_end)
    elif glued := glued_suffix(sentence.text):
        at, rule = glued
        tail = sentence.text[at:].strip()
        found = _glued_signals(context, tail, original, rule)
        if found:
            end = sentence.start + len(sentence.text[:at].rstrip())
            tail_start = sentence.end - len(tail)
            removed.append(Removed(tail_start, sentence.end, f"boilerplate:{rule}", tail, tuple(sorted(found))))
            sentence = Span.of(text, sentence.start, end)
    rule = boilerplate_reason(sentence.text)
    found = context.signals(sentence.text, [original])
    if removes(rule, found):
        removed.append(_removed(sentence, f"boilerplate:{rule or 'signals'}", found))
        return None, rest
    return (sentence if has_words(sentence.text) else None), rest


def _glued_inner(context: _Context, sentence: Span, original: Span) -> tuple[int, int, str, frozenset[str]] | None:
    """The first label glued inside ``sentence`` that its signals let go: ``(start, end, reason,
    signals)`` in the sentence's own offsets, or ``None``."""
    for begin, end, rule in glued_infixes(sentence.text, GLUED_LABEL_FAMILIES, GLUED_LABEL_WORDS):
        if found := _glued_signals(context, sentence.text[begin:end], original, rule):
            return begin, end, f"boilerplate:{rule}", found
    return None


def _lines(text: str) -> list[Span]:
    """The non-blank lines of ``text``, stripped, with their offsets."""
    lines = []
    for match in _LINE_RE.finditer(text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + len(raw) - len(raw.lstrip())
            lines.append(Span(stripped, start, start + len(stripped)))
    return lines


def _split_headline(lines: list[Span], title: str | None, code: str) -> tuple[Span | None, list[Span]]:
    """Find the headline: the first line that is not boilerplate, when it repeats ``title`` or
    looks like one (one sentence, short and unpunctuated, or a Title Case question or
    exclamation)."""
    index = next((i for i, line in enumerate(lines) if boilerplate_reason(line.text) is None), None)
    if index is None or index == len(lines) - 1:
        return None, lines
    first = lines[index]
    rest = lines[:index] + lines[index + 1:]
    if title and normalise(first.text) == normalise(title):
        return first, rest
    words = count_words(first.text)
    if not 2 <= words <= HEADLINE_MAX_WORDS or len(split_sentences(first.text, code)) > 1:
        return None, lines
    if not ends_like_sentence(first.text) or (first.text.rstrip()[-1:] in "?!" and _title_case(first.text)):
        return first, rest
    return None, lines


def _title_case(line: str) -> bool:
    """Whether most of the longer words of ``line`` start with a capital letter."""
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.7 * len(words)

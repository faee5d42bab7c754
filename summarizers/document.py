"""Turning raw input into a :class:`Document`: validated text, candidate sentences with
offsets, the headline, and what was left out as boilerplate. Pure functions, no models."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from .errors import InvalidInput
from .text.boilerplate import boilerplate_reason, dateline_length, ends_like_sentence
from .text.language import Language, get_language
from .text.segment import split_sentences
from .text.words import count_words, has_words
from .types import InputStats, Removed, Span

#: A first line this short without final punctuation, followed by more text, is a headline.
HEADLINE_MAX_WORDS = 20
#: A line this short without final punctuation is a fragment (a subheading, a label).
FRAGMENT_MAX_WORDS = 8

_LINE_RE = re.compile(r"[^\r\n]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
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
    """

    text: str
    language: Language
    paragraphs: tuple[tuple[Span, ...], ...]
    headline: Span | None
    removed: tuple[Removed, ...]
    source: Literal["text", "html"] = "text"

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
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f\v") or c == "\ufffd")
    return bad / max(1, len(sample))


def _normalise(line: str) -> str:
    return " ".join(re.findall(r"\w+", line.lower()))


def prepare(
    text: str,
    language: str | Language = "english",
    *,
    title: str | None = None,
    source: Literal["text", "html"] = "text",
) -> Document:
    """Validate ``text`` and split it into candidate sentences, headline and boilerplate.

    Args:
        text: the article text (one paragraph per line works best).
        language: a resolved :class:`Language`, or a supported language name or ISO 639-1 code.
        title: the article's headline when the caller knows it; a first line repeating it
            is reported as the headline.
        source: where the text came from, reported in the statistics.

    Raises:
        InvalidInput: empty, binary, or no sentence left once boilerplate is removed.
        UnsupportedLanguage: for an unsupported language.
    """
    text = validate_text(text)
    lang = language if isinstance(language, Language) else get_language(language)
    lines = _lines(text)

    headline, lines = _split_headline(lines, title)
    removed: list[Removed] = []
    paragraphs: list[list[Span]] = []
    fragments: list[Span] = []
    for line in lines:
        reason = boilerplate_reason(line.text)
        if reason:
            removed.append(Removed(line.start, line.end, f"boilerplate:{reason}", line.text))
            continue
        bullet = _BULLET_RE.match(line.text)
        if bullet:  # a list item: its text is content, the marker is not
            line = Span(line.text[bullet.end():], line.start + bullet.end(), line.end)
        elif not ends_like_sentence(line.text) and count_words(line.text) <= FRAGMENT_MAX_WORDS:
            fragments.append(line)
            continue
        paragraph = _sentences_of(text, line, lang, removed)
        if paragraph:
            paragraphs.append(paragraph)

    if not paragraphs and fragments:  # a text of short unpunctuated lines: keep them
        paragraphs = [p for f in fragments if (p := _sentences_of(text, f, lang, removed))]
    else:
        removed.extend(Removed(f.start, f.end, "fragment", f.text) for f in fragments)
    if not paragraphs and headline is not None:  # only a "headline": it is the text
        paragraphs = [[headline]]
        headline = None
    if not paragraphs:
        raise InvalidInput("text has no sentence to summarize (only boilerplate or no words)", field="text")
    removed.sort(key=lambda r: r.start)
    return Document(text, lang, tuple(map(tuple, paragraphs)), headline, tuple(removed), source)


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


def _split_headline(lines: list[Span], title: str | None) -> tuple[Span | None, list[Span]]:
    """Find the headline: the first line that is not boilerplate, when it repeats ``title`` or
    looks like one (short and unpunctuated, or a Title Case question or exclamation)."""
    index = next((i for i, line in enumerate(lines) if boilerplate_reason(line.text) is None), None)
    if index is None or index == len(lines) - 1:
        return None, lines
    first = lines[index]
    rest = lines[:index] + lines[index + 1:]
    if title and _normalise(first.text) == _normalise(title):
        return first, rest
    words = count_words(first.text)
    if not 2 <= words <= HEADLINE_MAX_WORDS:
        return None, lines
    if not ends_like_sentence(first.text) or (first.text.rstrip()[-1:] in "?!" and _title_case(first.text)):
        return first, rest
    return None, lines


def _title_case(line: str) -> bool:
    """Whether most of the longer words of ``line`` start with a capital letter."""
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _sentences_of(text: str, line: Span, lang: Language, removed: list[Removed]) -> list[Span]:
    """Candidate sentences of one line; boilerplate sentences go to ``removed``."""
    kept: list[Span] = []
    for i, sentence in enumerate(split_sentences(text, lang.code, line.start, line.end)):
        reason = boilerplate_reason(sentence.text)
        if reason:
            removed.append(Removed(sentence.start, sentence.end, f"boilerplate:{reason}", sentence.text))
            continue
        if i == 0 and (cut := dateline_length(sentence.text)):
            removed.append(Removed(sentence.start, sentence.start + cut, "dateline", sentence.text[:cut]))
            start = sentence.start + cut
            sentence = Span(text[start:sentence.end], start, sentence.end)
        if not has_words(sentence.text):
            continue
        kept.append(sentence)
    return kept

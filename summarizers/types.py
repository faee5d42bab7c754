"""Value types shared by every method: sentences and the result (the request's own values,
:class:`Length` and the defaults, live in :mod:`.request`).

The result types are also the HTTP API's response schemas (``service/schemas.py`` generates
them from these dataclasses). Field metadata says how ``to_dict`` writes a field:
``omit_none`` (left out when ``None``) and ``flatten`` (its items merged into the parent).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, Literal

# The request's values, importable from here too (their home is :mod:`.request`).
from .request import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from .request import DEFAULT_METHOD as DEFAULT_METHOD
from .request import DEFAULT_SENTENCES as DEFAULT_SENTENCES
from .request import MAX_SENTENCES as MAX_SENTENCES
from .request import MAX_WORDS as MAX_WORDS
from .request import Length as Length
from .request import short_repr as short_repr
from .request import whole_number as whole_number

Kind = Literal["extractive", "abstractive"]
Order = Literal["document", "rank"]


def json_value(value: Any) -> Any:
    """``value`` as JSON-ready data: a value with its own ``to_dict`` by it, another dataclass by
    :func:`dataclasses.asdict`, a mapping as a dict, a tuple or list item by item."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (tuple, list)):
        return [json_value(item) for item in value]
    return value


class FieldsToDict:
    """A dataclass whose ``to_dict`` writes its fields in order, each by :func:`json_value`
    (a field whose metadata says ``omit_none`` is left out when ``None``)."""

    def to_dict(self) -> dict[str, Any]:
        """The value as JSON-ready data (see :class:`FieldsToDict`)."""
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None and f.metadata.get("omit_none"):
                continue
            out[f.name] = json_value(value)
        return out


@dataclass(frozen=True)
class Span:
    """A piece of a text: ``text == source[start:end]`` (character offsets, code points)."""

    text: str
    start: int
    end: int

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Span:
        """The span of ``source`` from ``start`` to ``end``."""
        return cls(source[start:end], start, end)


@dataclass(frozen=True)
class Removed:
    """A span of the input left out of summarization, and why (``boilerplate:caption``...), with
    the general boilerplate signals that agreed (see :mod:`summarizers.text.signals`)."""

    start: int
    end: int
    reason: str
    text: str
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Support:
    """A span of the source that supports a summary sentence, with its alignment score in [0, 1]."""

    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Unsupported:
    """Something a summary sentence states that the source does not: ``kind`` is ``number``,
    ``date``, ``entity``, ``quote`` or ``negation``; offsets index the text the sentence's own
    offsets index."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Faithfulness(FieldsToDict):
    """How well the source supports a summary: ``score`` in [0, 1] (higher is better
    supported) and the number of unsupported items by kind."""

    score: float
    counts: Mapping[str, int]


@dataclass(frozen=True)
class QueryMatch:
    """A word of the input that matches the query: ``term`` is its stem, ``expanded`` whether
    the term came from the query's expansion (co-occurring terms) rather than the query."""

    start: int
    end: int
    term: str
    expanded: bool


@dataclass(frozen=True)
class QueryInfo(FieldsToDict):
    """How a query was read (``options.query``): its terms (stemmed, with weights), the terms
    its expansion added from the text, and every word of the candidate sentences that matches
    one (offsets index the text the sentences' own offsets index, for the input)."""

    text: str
    terms: Mapping[str, float]
    expansion: Mapping[str, float]
    matches: tuple[QueryMatch, ...] = ()


@dataclass(frozen=True)
class SelectedSentence:
    """One sentence of a summary.

    For extractive methods ``start``/``end`` are offsets into the text the offsets refer to
    (see :attr:`Summary.offsets_refer_to`), ``score`` the method's own rating and ``rank`` its
    position by score (1 is best). For abstractive methods they are offsets into the summary,
    ``score`` is ``None`` and ``rank`` the position in the summary. ``support`` lists the
    source spans supporting it and ``unsupported`` what the source does not state (see
    :mod:`summarizers.grounding`).
    """

    text: str
    start: int
    end: int
    score: float | None
    rank: int
    support: tuple[Support, ...] = ()
    unsupported: tuple[Unsupported, ...] = ()


@dataclass(frozen=True)
class InputStats:
    """What the summarized text contained (after boilerplate removal).

    ``language_confidence`` is the detector's confidence for ``language="auto"`` (``None`` when
    the language was given); ``origin`` says where HTML came from (``encoding``, and ``url``
    for a fetched page: requested and final URL, status, content type, bytes).
    """

    characters: int
    sentences: int
    words: int
    language: str
    source: Literal["text", "html"] = "text"
    removed: tuple[Removed, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"flatten": True})
    language_confidence: float | None = field(
        default=None, metadata={"omit_none": True, "doc": 'with language "auto": the detector\'s confidence'})
    origin: Mapping[str, Any] | None = field(
        default=None, metadata={"omit_none": True, "doc": "HTML bytes or a URL: the encoding, the fetch"})

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "characters": self.characters,
            "sentences": self.sentences,
            "words": self.words,
            "language": self.language,
            "source": self.source,
            "language_confidence": self.language_confidence,
            "removed": [asdict(r) for r in self.removed],
        }
        if self.origin is not None:
            d.update(self.origin)
        d.update(self.extra)
        return d


@dataclass(frozen=True)
class LengthAchieved(FieldsToDict):
    """The length of the summary actually produced, and what was asked for."""

    sentences: int
    words: int
    characters: int
    requested: Length


@dataclass(frozen=True)
class Summary:
    """The result of every method, extractive or abstractive.

    Attributes:
        summary: the summary text.
        method: the method's registered name; ``kind`` its kind.
        sentences: the summary's sentences (see :class:`SelectedSentence`).
        offsets_refer_to: ``"text"`` (the input as given), ``"extracted_text"`` (the article
            text extracted from HTML input, given in ``extracted_text``) or ``"summary"``.
        headline: the detected headline of the input, never part of the summary.
        faithfulness: how well the input supports the summary (see :mod:`summarizers.grounding`).
        input: statistics of the input; ``length``: the length achieved.
        warnings: human-readable notes (fewer sentences than asked, input cut...).
        model: for abstractive methods, the model's ``name`` and ``source`` and more.
        extracted_text: for HTML input, the text the offsets refer to.
        all_sentences: when asked for (extractive ``options.all_sentences``), every candidate
            sentence in document order with its score and rank; ``sentences`` are among them.
        query: with ``options.query``, how the query was read and the words it matches.
    """

    summary: str
    method: str
    kind: Kind
    sentences: tuple[SelectedSentence, ...]
    offsets_refer_to: Literal["text", "extracted_text", "summary"]
    input: InputStats
    length: LengthAchieved
    warnings: tuple[str, ...] = ()
    headline: Span | None = None
    faithfulness: Faithfulness | None = field(
        default=None, metadata={"omit_none": True, "doc": "how well the source supports the summary (grounding)"})
    model: Mapping[str, Any] | None = field(
        default=None, metadata={"omit_none": True, "doc": "abstractive methods: name, source and settings"})
    extracted_text: str | None = field(
        default=None, metadata={"omit_none": True, "doc": "HTML input: the text the offsets refer to"})
    all_sentences: tuple[SelectedSentence, ...] | None = field(
        default=None, metadata={"omit_none": True,
                                "doc": "with options.all_sentences: every candidate sentence, scored and ranked"})
    query: QueryInfo | None = field(
        default=None, metadata={"omit_none": True,
                                "doc": "with options.query: its terms, their expansion and the words they match"})

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the shape of ``summarize text --json``)."""
        d: dict[str, Any] = {
            "summary": self.summary,
            "method": self.method,
            "kind": self.kind,
            "sentences": [_sentence_dict(s) for s in self.sentences],
            "offsets_refer_to": self.offsets_refer_to,
            "headline": asdict(self.headline) if self.headline else None,
            "length": self.length.to_dict(),
            "input": self.input.to_dict(),
            "warnings": list(self.warnings),
        }
        if self.faithfulness is not None:
            d["faithfulness"] = self.faithfulness.to_dict()

        if self.model is not None:
            d["model"] = dict(self.model)
        if self.extracted_text is not None:
            d["extracted_text"] = self.extracted_text
        if self.all_sentences is not None:
            d["all_sentences"] = [asdict(s) for s in self.all_sentences]
        if self.query is not None:
            d["query"] = self.query.to_dict()
        return d


def _sentence_dict(sentence: SelectedSentence) -> dict[str, Any]:
    d = asdict(sentence)
    d["support"] = list(d["support"])
    d["unsupported"] = list(d["unsupported"])
    return d

"""The digest's result types: :class:`Digest`, its :class:`Story` entries and their
:class:`DigestSentence` sentences, each with ``to_dict()`` giving the JSON shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DigestSentence:
    """A summary sentence: its text, the input id of the article it comes from, and its
    offsets in that article's text (``text == article_text[start:end]``).

    For an abstractive summary the sentence is generated: ``document``/``start``/``end`` then
    name the source sentence that supports it best (``None`` when none does).
    """

    text: str
    document: str | int | None
    start: int | None
    end: int | None

    def to_dict(self) -> dict[str, Any]:
        """``{"text", "document", "start", "end"}``."""
        return {"text": self.text, "document": self.document, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Duplicate:
    """A near-duplicate article (``id``) and the article it is a copy of (``of``)."""

    id: str | int
    of: str | int

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "of"}``."""
        return {"id": self.id, "of": self.of}


@dataclass(frozen=True)
class Story:
    """One entry of the digest.

    Attributes:
        id: ``story-N``, N its rank (1 is the most important).
        headline: the member title closest to the story, or its best sentence.
        summary: the summary text.
        sentences: the summary's sentences with their sources.
        documents: the input ids of every member (duplicates included), in input order.
        duplicates: the members that are copies of another member.
        sources: the distinct sources of the members.
        importance: the score the stories are ranked by.
        published: the latest member's publication time (ISO 8601), or ``None``.
        faithfulness: for an abstractive summary, the grounding check's report.
    """

    id: str
    headline: str
    summary: str
    sentences: tuple[DigestSentence, ...]
    documents: tuple[str | int, ...]
    duplicates: tuple[Duplicate, ...] = ()
    sources: tuple[str, ...] = ()
    importance: float = 0.0
    published: str | None = None
    faithfulness: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The story as JSON-ready data."""
        out: dict[str, Any] = {
            "id": self.id, "headline": self.headline, "summary": self.summary,
            "sentences": [s.to_dict() for s in self.sentences], "documents": list(self.documents),
            "duplicates": [d.to_dict() for d in self.duplicates], "sources": list(self.sources),
            "importance": round(self.importance, 6), "published": self.published,
        }
        if self.faithfulness is not None:
            out["faithfulness"] = dict(self.faithfulness)
        return out


@dataclass(frozen=True)
class DigestError:
    """A record the digest refused: its id (``None`` when it had no usable one) and the error."""

    id: str | int | None
    error: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "error": {"code", "message", "details"}}``."""
        return {"id": self.id, "error": dict(self.error)}


@dataclass(frozen=True)
class FilteredStory:
    """A story left out by the query filter: its headline, its members' input ids, and the share
    of the query's terms its articles use."""

    headline: str
    documents: tuple[str | int, ...]
    query_coverage: float

    def to_dict(self) -> dict[str, Any]:
        """``{"headline", "documents", "query_coverage"}``."""
        return {"headline": self.headline, "documents": list(self.documents),
                "query_coverage": round(self.query_coverage, 4)}


@dataclass(frozen=True)
class Digest:
    """A digest: its stories in rank order, the refused records, and the settings used."""

    stories: tuple[Story, ...]
    errors: tuple[DigestError, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: With the query filter: the stories left out because they do not bear on the query.
    filtered: tuple[FilteredStory, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"stories": [...], "errors": [...], "settings": {...}}`` (and ``"filtered": [...]``
        with the query filter)."""
        out = {"stories": [s.to_dict() for s in self.stories], "errors": [e.to_dict() for e in self.errors],
               "settings": dict(self.settings)}
        if self.filtered is not None:
            out["filtered"] = [f.to_dict() for f in self.filtered]
        return out

"""What every entry point hands the library: one :class:`Input` (a document) and one prepared
:class:`Request` (everything about the summary but the document), and their wire forms.

- :class:`Input` is the only validator of a document's shape: exactly one of ``text``, ``html``
  or ``url``, with an optional ``id``, ``title``, ``source``, ``published`` (ISO 8601, kept as
  seconds since the epoch) and ``language``. The library, the CLI, the batch reader, the HTTP
  schemas, the jobs API and the digest all build one (:meth:`Input.from_mapping`), so a record
  is accepted or refused (with the same error) whichever way it comes.
- :class:`Request` is made only by :meth:`summarizers.Registry.prepare` (validated once). Its
  wire form (:meth:`Request.to_wire`, JSON-ready and picklable) carries it to any process,
  where :meth:`summarizers.Registry.from_wire` turns it back into a request without validating
  anything again::

      {"method": "newsrank", "length": {"sentences": 3}, "language": "english",
       "options": {"order": "rank"}, "fallback": null}

  ``language`` is a language name or ``"auto"``; ``fallback`` is the wire form of the prepared
  fallback request (``options.faithfulness = "fallback"`` on a method that writes its own text).

This module is a leaf of the library (it imports only the errors and the language table).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any, TypedDict

from .errors import InvalidInput, InvalidLength
from .text.language import Language, get_language, is_auto

#: Bounds on requested lengths; beyond them a request is absurd rather than ambitious.
MAX_SENTENCES = 1000
MAX_WORDS = 100_000
#: The defaults of every entry point (library, CLI, service, batch, eval): one place.
DEFAULT_SENTENCES = 3
DEFAULT_METHOD = "newsrank"
DEFAULT_LANGUAGE = "english"


class RequestArguments(TypedDict, total=False):
    """The keyword arguments that make a request, taken by :func:`summarizers.summarize` and
    :func:`summarizers.summarize_batch` and checked by :meth:`Registry.prepare`, whose defaults
    apply to those left out.

    Keys:
        method: a registered method name (``summarizers.methods()`` lists them; default
            ``newsrank``).
        length: ``{"sentences": N}``, ``{"ratio": R}``, ``{"words": W}``, an int (sentences),
            a :class:`Length`, or ``None`` for three sentences.
        language: a supported language name or ISO 639-1 code, or ``"auto"`` to detect it
            (``input.language_confidence`` reports the detector's confidence; default ``english``).
        options: method options (``order``, ``title``, ``model``, ``num_beams``...).
    """

    method: str
    length: Length | Mapping[str, Any] | int | None
    language: str
    options: Mapping[str, Any] | None


def whole_number(value: Any) -> Any:
    """``value`` as an int when it is a float holding a whole number (JSON Schema's view of
    ``3.0``: an integer); anything else unchanged, for the caller's own checks to judge."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def short_repr(value: Any, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters (numbers of thousands of digits stay readable)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"an integer of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------------
# Length and options


@dataclass(frozen=True)
class Length:
    """How long the summary should be: exactly one of a sentence count, a ratio or a word budget.

    ``Length()`` is the default, three sentences. Build one from user input with
    :meth:`parse`, which raises :class:`~summarizers.errors.InvalidLength` for bad values.
    """

    sentences: int | None = field(default=None, metadata={"omit_none": True})
    ratio: float | None = field(default=None, metadata={"omit_none": True})
    words: int | None = field(default=None, metadata={"omit_none": True})

    def __post_init__(self) -> None:
        given = [k for k in ("sentences", "ratio", "words") if getattr(self, k) is not None]
        if not given:
            object.__setattr__(self, "sentences", DEFAULT_SENTENCES)
        elif len(given) > 1:
            raise InvalidLength(
                f"give exactly one of sentences, ratio or words, not {' and '.join(given)}",
                field="length",
            )
        if self.sentences is not None:
            _check_int(self.sentences, "sentences", 1, MAX_SENTENCES)
        if self.words is not None:
            _check_int(self.words, "words", 1, MAX_WORDS)
        if self.ratio is not None:
            r = self.ratio
            if isinstance(r, bool) or not isinstance(r, (int, float)) or (
                isinstance(r, float) and not math.isfinite(r)
            ):
                raise InvalidLength("ratio must be a finite number", field="length.ratio")
            if not 0 < r <= 1:
                raise InvalidLength(
                    f"ratio must be in (0, 1], got {short_repr(r)}", field="length.ratio",
                    minimum=0, maximum=1,
                )

    @classmethod
    def parse(cls, value: Length | Mapping[str, Any] | int | None) -> Length:
        """Build a length from ``None`` (default), an int (sentences), a mapping or a Length."""
        if value is None:
            return cls()
        if isinstance(value, Length):
            return value
        if isinstance(value, bool):
            raise InvalidLength("length must be a number of sentences or a mapping", field="length")
        value = whole_number(value)
        if isinstance(value, int):
            return cls(sentences=value)
        if isinstance(value, Mapping):
            unknown = set(value) - {"sentences", "ratio", "words"}
            if unknown:
                raise InvalidLength(
                    f"unknown length key(s): {', '.join(sorted(map(str, unknown)))};"
                    " use sentences, ratio or words",
                    field="length",
                )
            return cls(**{k: v if k == "ratio" else whole_number(v) for k, v in value.items() if v is not None})
        raise InvalidLength("length must be a number of sentences or a mapping", field="length")

    def sentence_count(self, available: int) -> int | None:
        """The number of sentences asked for, given ``available`` ones; ``None`` for a word budget."""
        if self.sentences is not None:
            return self.sentences
        if self.ratio is not None:
            return max(1, round(self.ratio * available))
        return None

    def to_dict(self) -> dict[str, Any]:
        """The one key that is set, e.g. ``{"sentences": 3}``."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def _check_int(value: object, name: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidLength(f"{name} must be a whole number", field=f"length.{name}")
    if not low <= value <= high:
        raise InvalidLength(
            f"{name} must be between {low} and {high}, got {short_repr(value)}",
            field=f"length.{name}",
            minimum=low,
            maximum=high,
        )


def _trusted_length(wire: Mapping[str, Any]) -> Length:
    """A :class:`Length` from its ``to_dict`` form, which a prepared request wrote: not checked again."""
    length = object.__new__(Length)
    for f in fields(Length):
        object.__setattr__(length, f.name, wire.get(f.name))
    return length


class Options(Mapping[str, Any]):
    """Validated method options, frozen: a read-only mapping that hashes (lists become tuples)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self._data = {k: tuple(v) if isinstance(v, list) else v for k, v in (options or {}).items()}
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"Options({self._data!r})"

    def to_wire(self) -> dict[str, Any]:
        """The options as JSON-ready values (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self._data.items()}


# ---------------------------------------------------------------------------------------------
# The prepared request


#: The wire form of a prepared request (:meth:`Request.to_wire`): plain JSON-ready values.
WireRequest = Mapping[str, Any]


@dataclass(frozen=True)
class Request:
    """A prepared request: everything about a summary except the document, validated once.

    Made only by :meth:`summarizers.Registry.prepare` (which checks a method name, a length, a
    language and options) and by :meth:`summarizers.Registry.from_wire` (which trusts a wire form
    a prepared request wrote); everything downstream takes it as it is. It is frozen and
    hashable, so that requests can be grouped by it.

    Attributes:
        method: the method that will summarize (a :class:`summarizers.Method`).
        length: the parsed length.
        language: the resolved language, or ``"auto"``: detected in each document.
        options: the validated options (defaults are not filled in: methods apply their own).
        fallback: with ``options.faithfulness = "fallback"`` on a method that writes its own
            text, the prepared request of the extractive method whose summary replaces a poorly
            supported one (its ``order``, ``title`` and, when it takes one, ``query`` options).
    """

    method: Any
    length: Length = field(default_factory=Length)
    language: Language | str = field(default_factory=lambda: get_language(DEFAULT_LANGUAGE))
    options: Options = field(default_factory=Options)
    fallback: Request | None = None

    @property
    def method_name(self) -> str:
        """The method's registered name."""
        return str(self.method.name)

    @property
    def language_name(self) -> str:
        """The language's name, or ``"auto"``."""
        return self.language.name if isinstance(self.language, Language) else self.language

    def option(self, name: str, default: Any = None) -> Any:
        """The option's value, or ``default`` when not given."""
        return self.options.get(name, default)

    def to_wire(self) -> dict[str, Any]:
        """This request as plain JSON-ready values (see the module docstring): the method and
        the language by name, the length and options as validated; read back, without any
        check, by :meth:`summarizers.Registry.from_wire`."""
        return {"method": self.method_name, "length": self.length.to_dict(), "language": self.language_name,
                "options": self.options.to_wire(),
                "fallback": self.fallback.to_wire() if self.fallback is not None else None}


def request_from_wire(wire: WireRequest, method: Callable[[str], Any]) -> Request:
    """The :class:`Request` a wire form describes, its methods found by name with ``method``
    (a registry's ``get``). Nothing is validated again: call it through
    :meth:`summarizers.Registry.from_wire`.

    Raises:
        UnknownMethod: from ``method``, for a name this process's registry does not have.
    """
    fallback = wire.get("fallback")
    language = wire["language"]
    return Request(method(wire["method"]), _trusted_length(wire["length"]),
                   language if is_auto(language) else get_language(language), Options(wire["options"]),
                   request_from_wire(fallback, method) if fallback is not None else None)


# ---------------------------------------------------------------------------------------------
# One document


#: The fields that carry a document's body; exactly one is given.
BODY_FIELDS = ("text", "html", "url")
#: Every field of an input record that :meth:`Input.from_mapping` reads.
INPUT_FIELDS = ("id", *BODY_FIELDS, "title", "source", "published", "language")


def body_problem(given: Sequence[str]) -> str | None:
    """Why a record whose body fields ``given`` (their names, as the caller spells them) are set
    is refused, or ``None`` when exactly one is: the one rule for a document's shape."""
    if len(given) == 1:
        return None
    names = ", ".join(BODY_FIELDS[:-1]) + f" or {BODY_FIELDS[-1]}"
    if not given:
        return f"give exactly one of {names}"
    return f"give exactly one of {names}, not {' and '.join(given)}"


@dataclass(frozen=True)
class Input:
    """One document: exactly one of ``text``, ``html`` (a page, as text or bytes in any
    declared encoding) or ``url`` (a page to fetch), and what is known about it.

    Building one checks its shape (the only place that does): a body that is missing or given
    twice, or a field of the wrong type, raises :class:`~summarizers.errors.InvalidInput`.
    What the text itself holds (empty, binary, no sentence) is the document stage's to judge.

    Attributes:
        text, html, url: the body (exactly one is not ``None``).
        id: the caller's id (a string or an integer), or ``None``.
        title: the article's headline, when known (``None`` when blank).
        source: where it was published (a feed, a site), or ``None``.
        published: when, in seconds since the epoch (UTC), or ``None``.
        language: the record's own language (a name or code), or ``None``.
    """

    text: str | bytes | None = None
    html: str | bytes | None = None
    url: str | None = None
    id: str | int | None = None
    title: str | None = None
    source: str | None = None
    published: float | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        problem = body_problem([k for k in BODY_FIELDS if getattr(self, k) is not None])
        if problem is not None:
            raise InvalidInput(problem, field="text")
        if self.url is not None and not isinstance(self.url, str):
            raise InvalidInput("url must be a string", field="url")
        for name in ("title", "source", "language"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InvalidInput(f"{name} must be a string", field=name)
        if self.id is not None and (isinstance(self.id, bool) or not isinstance(self.id, (str, int))):
            raise InvalidInput("id must be a string or an integer", field="id")

    @property
    def kind(self) -> str:
        """Which body is given: ``"text"``, ``"html"`` or ``"url"``."""
        return next(k for k in BODY_FIELDS if getattr(self, k) is not None)

    @property
    def body(self) -> str | bytes:
        """The text, the page or the URL."""
        return getattr(self, self.kind)  # type: ignore[no-any-return]

    @classmethod
    def from_mapping(cls, record: Mapping[str, Any], *, where: str | None = None, prefix: str = "") -> Input:
        """The input of a record with the fields of :data:`INPUT_FIELDS` (others are left to
        the caller); a field holding ``None`` is absent. ``title``, ``source`` and ``language``
        may be numbers (read as text) and blank (absent); ``published`` is an ISO 8601 date or
        date-time (naive times are UTC).

        Raises:
            InvalidInput: the record's shape is wrong; the message opens with ``where``
                (``"document 3"``...) when given, the field at fault is named after ``prefix``
                (``"documents.3."``...).
        """
        try:
            return cls(text=record.get("text"), html=record.get("html"), url=record.get("url"), id=record.get("id"),
                       title=optional_string(record.get("title"), "title"),
                       source=optional_string(record.get("source"), "source"),
                       published=parse_published(record.get("published")),
                       language=optional_string(record.get("language"), "language"))
        except InvalidInput as exc:
            if where is None and not prefix:
                raise
            raise InvalidInput(f"{where}: {exc.message}" if where else exc.message, field=f"{prefix}{exc.field}",
                               **exc.details) from None

    def to_wire(self) -> dict[str, Any]:
        """The fields that are set, JSON-ready when the body is text (read back by :meth:`from_wire`)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> Input:
        """The input :meth:`to_wire` wrote (its shape was checked when it was built)."""
        made = object.__new__(cls)
        for f in fields(cls):
            object.__setattr__(made, f.name, wire.get(f.name))
        return made


def optional_string(value: Any, name: str) -> str | None:
    """An optional text field of a record: ``None`` when absent or blank, a number read as text.

    Raises:
        InvalidInput: for any other type.
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string", field=name)
    return value if value.strip() else None


def parse_published(value: Any) -> float | None:
    """An ISO 8601 date or date-time as seconds since the epoch (naive times are UTC).

    Raises:
        InvalidInput: for a value that is not an ISO 8601 string.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput("published must be an ISO 8601 date or time string", field="published")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise InvalidInput(f"published {value[:40]!r} is not an ISO 8601 date or time",
                               field="published") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()

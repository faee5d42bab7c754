"""The one interface every method implements, and the declaration of its options."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

from ..document import Document
from ..errors import InvalidOption, SummarizerError
from ..text.language import Language, get_language
from ..types import DEFAULT_LANGUAGE, Kind, Length, Summary, short_repr, whole_number

ParamType = Literal["integer", "number", "string", "boolean", "array"]


@dataclass(frozen=True)
class Parameter:
    """One option a method accepts, with its type and bounds (also used for API schemas)."""

    name: str
    type: ParamType
    description: str
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None

    def validate(self, value: Any) -> Any:
        """Return ``value`` checked against type and bounds.

        Raises:
            InvalidOption: naming the field ``options.<name>`` and the bounds.
        """
        where = f"options.{self.name}"
        if self.type == "integer":
            value = whole_number(value)
        ok = {
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": (isinstance(value, int) and not isinstance(value, bool))
            or (isinstance(value, float) and math.isfinite(value)),
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "array": isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value),
        }[self.type]
        if not ok:
            kind = {"array": "a list of strings", "integer": "an integer"}.get(self.type, f"a {self.type}")
            raise InvalidOption(f"{where} must be {kind}", field=where)
        if self.choices is not None and value not in self.choices:
            raise InvalidOption(
                f"{where} must be one of {', '.join(map(str, self.choices))}, got {value!r}",
                field=where, choices=list(self.choices),
            )
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise InvalidOption(
                f"{where} must be between {self.minimum} and {self.maximum}, got {short_repr(value)}",
                field=where, minimum=self.minimum, maximum=self.maximum,
            )
        return value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (for ``/v1/methods`` and the OpenAPI document)."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if v is not None}


#: Options every method accepts.
COMMON_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("order", "string", "order of the summary's sentences: as in the document or by rank",
              default="document", choices=("document", "rank")),
    Parameter("title", "string", "the article's headline, when known: never selected, and used as a cue"),
    Parameter("faithfulness", "string",
              "grounding: report support and unsupported content only; drop unsupported sentences; "
              "or fall back to an extractive summary below min_faithfulness",
              default="report", choices=("report", "drop", "fallback")),
    Parameter("min_faithfulness", "number", "the faithfulness score below which fallback acts",
              default=0.5, minimum=0, maximum=1),
)


@dataclass(frozen=True)
class Availability:
    """Whether a method can run here; when not, why and the command that fixes it."""

    available: bool
    reason: str | None = None
    fix: str | None = None


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


@dataclass(frozen=True)
class Request:
    """A prepared request: everything about a summary except the document, validated once.

    Build one with :meth:`summarizers.Registry.prepare`, the only place where a method name,
    a length, a language and options are checked; everything downstream takes it as it is.
    It is frozen and hashable, so that requests can be grouped by it.

    Attributes:
        method: the method that will summarize.
        length: the parsed length.
        language: the resolved language.
        options: the validated options (defaults are not filled in: methods apply their own).
        fallback: with ``options.faithfulness = "fallback"`` on a method that writes its own
            text, the extractive method whose summary replaces a poorly supported one.
    """

    method: Method
    length: Length = field(default_factory=Length)
    language: Language = field(default_factory=lambda: get_language(DEFAULT_LANGUAGE))
    options: Options = field(default_factory=Options)
    fallback: Method | None = None

    @property
    def method_name(self) -> str:
        """The method's registered name."""
        return self.method.name

    def option(self, name: str, default: Any = None) -> Any:
        """The option's value, or ``default`` when not given."""
        return self.options.get(name, default)

    def portable(self) -> PortableRequest:
        """This request in a form that can cross a process boundary (see :class:`PortableRequest`)."""
        return PortableRequest(self.method.name, self.length, self.language.name, self.options,
                               self.fallback.name if self.fallback is not None else None)


@dataclass(frozen=True)
class PortableRequest:
    """A prepared request that pickles: the method and the language travel by name (a method
    holds models, a language its stemmer), the rest as validated values.

    :meth:`bind` turns it back into a :class:`Request` with the registry of the process it runs
    in, without validating anything again.
    """

    method: str
    length: Length
    language: str
    options: Options
    fallback: str | None = None

    def bind(self, registry: Any) -> Request:
        """The :class:`Request` with ``registry``'s methods of these names (a :class:`Registry`)."""
        fallback = registry.get(self.fallback) if self.fallback is not None else None
        return Request(registry.get(self.method), self.length, get_language(self.language), self.options, fallback)


class Method(ABC):
    """A summarization method: one document and a request in, a :class:`Summary` out.

    Subclasses set the class attributes and implement :meth:`summarize`. Construction must be
    cheap: heavy objects (models) are loaded lazily, on first use.
    """

    name: ClassVar[str]
    kind: ClassVar[Kind]
    description: ClassVar[str]
    parameters: tuple[Parameter, ...] = ()

    def availability(self) -> Availability:
        """Whether the method can run here (cheap: must not load models)."""
        return Availability(True)

    # -- models: do nothing for methods without any ------------------------------------------

    def load(self, name: str | None = None) -> None:
        """Load the model called ``name`` (the default one when ``None``) now, if not yet loaded.

        Idempotent and thread-safe. Methods without models do nothing.

        Raises:
            InvalidOption: an unknown model name. MethodUnavailable: the model is absent here.
            ModelError: it cannot be loaded.
        """
        return None

    def loaded(self, name: str | None = None) -> bool:
        """Whether the model called ``name`` (the default when ``None``) is loaded; methods
        without models are always ready."""
        return True

    def models(self) -> list[dict[str, Any]]:
        """The method's configured models, JSON-ready (``name``, ``source``, ``default``,
        ``present``, ``loaded``...); empty for methods without models. Cheap: loads nothing."""
        return []

    def all_parameters(self) -> tuple[Parameter, ...]:
        """The common options followed by the method's own."""
        return COMMON_PARAMETERS + tuple(self.parameters)

    def validate_options(self, options: Mapping[str, Any] | None) -> dict[str, Any]:
        """Check ``options`` against :meth:`all_parameters`.

        Raises:
            InvalidOption: for an unknown option or a bad value.
        """
        if options is None:
            return {}
        if not isinstance(options, Mapping):
            raise InvalidOption("options must be a mapping of names to values", field="options")
        known = {p.name: p for p in self.all_parameters()}
        out = {}
        for key, value in options.items():
            if key not in known:
                raise InvalidOption(
                    f"unknown option {key!r} for method {self.name!r}; "
                    f"known: {', '.join(sorted(known))}",
                    field=f"options.{key}", known=sorted(known),
                )
            if value is not None:
                out[key] = known[key].validate(value)
        return out

    @abstractmethod
    def summarize(self, document: Document, request: Request) -> Summary:
        """Summarize one prepared document.

        Raises:
            SummarizerError: for anything wrong with the request or the method.
        """

    def summarize_many(
        self, documents: Sequence[Document], requests: Sequence[Request]
    ) -> list[Summary | SummarizerError]:
        """Summarize several documents; a failure is returned in place, never raised.

        The default runs them one by one; model-backed methods batch them.
        """
        results: list[Summary | SummarizerError] = []
        for document, request in zip(documents, requests, strict=True):
            try:
                results.append(self.summarize(document, request))
            except SummarizerError as exc:
                results.append(exc)
        return results

    def describe(self) -> dict[str, Any]:
        """JSON-ready description: name, kind, description, parameters, availability."""
        status = self.availability()
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "parameters": [p.to_dict() for p in self.all_parameters()],
            "available": status.available,
            "reason": status.reason,
            "fix": status.fix,
        }

"""The one interface every method implements, and the declaration of its options."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

from ..document import Document
from ..errors import InvalidOption, SummarizerError
from ..types import Kind, Length, Summary

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
        ok = {
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value),
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "array": isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value),
        }[self.type]
        if not ok:
            kind = "a list of strings" if self.type == "array" else f"a {self.type}"
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
                f"{where} must be between {self.minimum} and {self.maximum}, got {value!r}",
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


@dataclass(frozen=True)
class Request:
    """Everything about a summary request except the document: validated once."""

    method: str
    length: Length = field(default_factory=Length)
    language: str = "english"
    options: Mapping[str, Any] = field(default_factory=dict)

    def option(self, name: str, default: Any = None) -> Any:
        """The option's value, or ``default`` when not given."""
        return self.options.get(name, default)


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

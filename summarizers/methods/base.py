"""The one interface every method implements, and the declaration of its options."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal

from ..document import Document
from ..errors import InputTooLarge, InvalidOption, SummarizerError
from ..request import Options as Options
from ..request import Request as Request
from ..request import short_repr, whole_number
from ..types import Kind, Summary

ParamType = Literal["integer", "number", "string", "boolean", "array"]

@dataclass(frozen=True)
class Cost:
    """How a method's time grows with the number of sentences ``n``, and the default limit.

    Attributes:
        cost_class: ``linear`` (in the words of the text), ``quadratic`` (pairs of sentences),
            ``cubic``, or ``model`` (bounded by a model's input size, not by sentences).
        max_sentences: inputs with more candidate sentences are refused up front
            (:class:`~summarizers.errors.InputTooLarge`); ``None``: no limit.
    """

    cost_class: Literal["linear", "quadratic", "cubic", "model"]
    max_sentences: int | None

    def to_dict(self) -> dict[str, Any]:
        """``{"class", "max_sentences"}`` (JSON-ready)."""
        return {"class": self.cost_class, "max_sentences": self.max_sentences}


#: Linear in the text: 100,000 sentences (about 12 MiB of text) is far beyond any article.
LINEAR = Cost("linear", 100_000)
#: Quadratic work done in compiled code (sparse sentence-pair products): about a second of CPU
#: at 2,500 sentences of text whose sentences share many words (benchmarks/bench_extractive.py).
QUADRATIC_FAST = Cost("quadratic", 2_500)
#: A greedy choice rescoring every candidate with one sparse product per step (KL-Sum, SumBasic
#: vectorized): about a second of CPU at 1,500 sentences.
GREEDY_FAST = Cost("quadratic", 1_500)
#: Quadratic work in pure Python (sumy's pair loops): seconds at 1,000 sentences.
QUADRATIC = Cost("quadratic", 1_000)
#: Cubic work (sumy's dense SVD, KL-Sum's rescoring of the growing summary).
CUBIC = Cost("cubic", 500)
#: Bounded by a model's input length (longer inputs are cut, chunked or condensed).
MODEL = Cost("model", None)


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
    #: The longest string accepted (strings only).
    max_length: int | None = None

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
        if self.max_length is not None and isinstance(value, str) and len(value) > self.max_length:
            raise InvalidOption(
                f"{where} is {len(value)} characters long; at most {self.max_length} are accepted",
                field=where, max_length=self.max_length,
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
    """Whether a method can run here; when not, why and the command that fixes it, and whether
    what is missing is the method's model (``model_missing``: waiting never helps)."""

    available: bool
    reason: str | None = None
    fix: str | None = None
    model_missing: bool = False


class Method(ABC):
    """A summarization method: one document and a request in, a :class:`Summary` out.

    Subclasses set the class attributes and implement :meth:`summarize`. Construction must be
    cheap: heavy objects (models) are loaded lazily, on first use.
    """

    name: ClassVar[str]
    kind: ClassVar[Kind]
    description: ClassVar[str]
    parameters: tuple[Parameter, ...] = ()
    #: How the method's time grows, and its default sentence limit.
    default_cost: ClassVar[Cost] = LINEAR
    #: A limit set on this instance (:meth:`limit_sentences`); wins over the configured ones.
    sentence_limit_override: int | None = None
    #: The configured limits (``SUMMARIZE_SENTENCE_LIMITS``, given by the registry when it is
    #: built: :meth:`use_sentence_limits`), by method name or ``name.implementation``.
    sentence_limits: Mapping[str, int] = {}

    def implementation(self, request: Request | None = None) -> str:
        """The name of the implementation that runs ``request`` (``"default"`` for most)."""
        return "default"

    def cost(self, request: Request | None = None) -> Cost:
        """The cost of running ``request`` (of the default implementation when ``None``)."""
        return self.default_cost

    def limit_sentences(self, limit: int | None) -> None:
        """Set this method's sentence limit (``None``: back to the configured default)."""
        self.sentence_limit_override = limit

    def use_sentence_limits(self, limits: Mapping[str, int]) -> None:
        """Take the configured sentence limits (``{"lexrank": 5000, "lexrank.sumy": 300}``)."""
        self.sentence_limits = dict(limits)

    def sentence_limit(self, request: Request | None = None) -> int | None:
        """The most candidate sentences ``request`` may have: this instance's limit, else the
        configured one (:attr:`sentence_limits`), else the cost's default."""
        if self.sentence_limit_override is not None:
            return self.sentence_limit_override
        impl = self.implementation(request)
        limits = self.sentence_limits
        for key in ((f"{self.name}.{impl}",) if impl not in ("default", "fast") else ()) + (self.name,):
            if key in limits:
                return limits[key]
        return self.cost(request).max_sentences

    def check_size(self, document: Document, request: Request) -> None:
        """Refuse, before any work, a document with more sentences than the limit.

        Raises:
            InputTooLarge: naming the method, the limit and the document's sentence count.
        """
        limit = self.sentence_limit(request)
        n = len(document.sentences)
        if limit is not None and n > limit:
            impl = self.implementation(request)
            which = f" ({impl} implementation)" if impl not in ("default", "fast") else ""
            cost_class = self.cost(request).cost_class
            hint = "" if cost_class == "linear" else " or use a linear-time method such as 'newsrank'"
            raise InputTooLarge.over(
                f"the text has {n} sentences; method {self.name!r}{which} accepts at most {limit} "
                f"(cost class: {cost_class}): send a shorter text{hint}",
                field="text", limit=limit, unit="sentences", size=n, method=self.name, cost_class=cost_class,
            )

    def availability(self) -> Availability:
        """Whether the method can run here (cheap: must not load models)."""
        return Availability(True)

    def link(self, registry: Any) -> None:
        """Take what this method uses of other methods from ``registry`` (a
        :class:`summarizers.Registry`), e.g. :meth:`~summarizers.Registry.scorer`. Called by the
        registry each time its methods change, never while summarizing; does nothing by default."""
        return None

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

    def accepts(self, option: str) -> bool:
        """Whether ``option`` is one of :meth:`all_parameters` (e.g. ``"query"``)."""
        return any(p.name == option for p in self.all_parameters())

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
            if key == "query" and key not in known:
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue  # no query: nothing to refuse
                raise InvalidOption(
                    f"method {self.name!r} does not take a query; query-aware methods summarize what a "
                    "text says about a query (see docs/query.md)",
                    field="options.query",
                )
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
            "cost": {**self.cost().to_dict(), "max_sentences": self.sentence_limit()},
        }

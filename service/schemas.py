"""Request and response schemas (pydantic v2): they validate requests and generate the OpenAPI document.

The request models are bound to an app by :func:`bind_schemas`: the method names, the options
(from each method's declared :class:`~summarizers.Parameter`, the same declarations the library
validates options with) and the batch limit come from the app's registry and configuration, so
the documented schema is the one that validates. Rules the library enforces on its own (a known
method, options valid *for that method*, text that has a sentence) are checked by the library;
the schemas describe them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from summarizers import Parameter, Registry
from summarizers.types import DEFAULT_SENTENCES, MAX_SENTENCES, MAX_WORDS

Offsets = Literal["codepoint", "utf16"]

_STRICT = ConfigDict(extra="forbid", strict=True)


class ApiJsonSchema(GenerateJsonSchema):
    """JSON Schema as the API documents it: in requests, an optional field is simply left out.

    The request models accept ``null`` for optional fields (as if absent), but the document
    shows only the real type and no ``"default": null``, which keeps it readable and the
    generated tests meaningful. Answers do contain ``null`` (``headline``, ``score``...), so
    response schemas keep it.
    """

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        if self.mode == "serialization":
            return super().nullable_schema(schema)
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if self.mode == "validation" and "default" in json_schema and json_schema["default"] is None:
            del json_schema["default"]
        return json_schema


# ---------------------------------------------------------------------------------------------
# Requests


class LengthSpec(BaseModel):
    """How long the summary should be: exactly one of ``sentences``, ``ratio`` or ``words``."""

    model_config = ConfigDict(
        **_STRICT, title="Length", json_schema_extra={"minProperties": 1, "maxProperties": 1}
    )

    sentences: Annotated[int | None, Field(ge=1, le=MAX_SENTENCES, description="number of sentences")] = None
    ratio: Annotated[float | None, Field(gt=0, le=1, description="fraction of the input's sentences")] = None
    words: Annotated[int | None, Field(ge=1, le=MAX_WORDS, description="word budget")] = None

    @model_validator(mode="after")
    def _exactly_one(self) -> LengthSpec:
        given = [k for k in ("sentences", "ratio", "words") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of sentences, ratio or words")
        return self

    def to_library(self) -> dict[str, Any]:
        """The mapping :meth:`summarizers.Length.parse` takes."""
        return self.model_dump(exclude_none=True)


class SummarizeSettings(BaseModel):
    """What a single request and a batch share: method, length, language, options, offsets."""

    model_config = _STRICT

    method: str = Field("lexrank", min_length=1, description="a method listed by GET /v1/methods")
    length: LengthSpec | None = Field(
        None, description=f"summary length; {DEFAULT_SENTENCES} sentences when left out"
    )
    language: str = Field("english", min_length=1, description='a language name or ISO 639-1 code, or "auto"')
    options: dict[str, Any] = Field(
        default_factory=dict, description="method-specific options (see GET /v1/methods for each method's)"
    )
    offsets: Offsets = Field(
        "codepoint",
        description="unit of every start/end in the answer: Unicode code points (Python), "
        "or UTF-16 code units (JavaScript string indices)",
    )

    def length_mapping(self) -> dict[str, Any] | None:
        """The length as the library takes it (``None`` for the default)."""
        return self.length.to_library() if self.length is not None else None


class SummarizeRequest(SummarizeSettings):
    """``POST /v1/summarize``: one document, as ``text``, ``html`` or ``url`` (exactly one: the
    library checks it and answers 422 for ``text``; ``url`` only where the server allows it)."""

    model_config = ConfigDict(
        **_STRICT,
        json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["html"]}, {"required": ["url"]}]},
    )

    text: str | None = Field(
        None, min_length=1, description="the article text (one paragraph per line is best)"
    )
    html: str | None = Field(None, min_length=1, description="an article page; its main text is extracted")
    url: str | None = Field(
        None, min_length=1, max_length=2048,
        description="an article page to fetch (only when the server sets SUMMARIZE_ALLOW_URLS, "
        "from the hosts of SUMMARIZE_URL_HOSTS)",
    )


class BatchDocument(BaseModel):
    """One document of a batch. Giving both or neither of ``text``/``html``, or text with no
    sentence, fails that document alone (its result is an error)."""

    model_config = _STRICT

    id: str | int | None = Field(
        None, description="echoed in the result; the position in the list if left out"
    )
    text: str | None = Field(None, description="the article text")
    html: str | None = Field(None, description="an article page")
    url: str | None = Field(None, max_length=2048, description="an article page to fetch (where the server allows it)")
    title: str | None = Field(None, description="the article's headline, when known")

    def to_library(self) -> dict[str, Any]:
        """The mapping :func:`summarizers.summarize_batch` takes for one document."""
        return self.model_dump(exclude={"id"}, exclude_none=True)


class SummarizeBatchRequest(SummarizeSettings):
    """``POST /v1/summarize/batch``: many documents with shared settings."""

    documents: list[BatchDocument] = Field(min_length=1, description="the documents, answered in this order")


# ---------------------------------------------------------------------------------------------
# Responses (documentation, and the schema the property-based tests check answers against)


class SentenceOut(BaseModel):
    """A sentence of the summary: ``text == source[start:end]`` in the unit of ``offsets``."""

    text: str
    start: int
    end: int
    score: float | None
    rank: int


class SpanOut(BaseModel):
    """A piece of the input (the headline)."""

    text: str
    start: int
    end: int


class RemovedOut(BaseModel):
    """A span of the input left out of summarization, and why."""

    start: int
    end: int
    reason: str
    text: str
    signals: list[str] = Field(default_factory=list, description="the general boilerplate signals that agreed")


class InputOut(BaseModel):
    """Statistics of the input; abstractive methods add ``tokens``, ``truncated``, ``long_input``."""

    model_config = ConfigDict(extra="allow")

    characters: int
    sentences: int
    words: int
    language: str
    language_confidence: float | None = Field(None, description='the detector\'s confidence for language "auto"')
    source: Literal["text", "html"]
    removed: list[RemovedOut]


class LengthOut(BaseModel):
    """The length achieved, and the one requested."""

    sentences: int
    words: int
    characters: int
    requested: dict[str, Any]


class SummaryResult(BaseModel):
    """A summary: the library's result (``Summary.to_dict()``) plus the unit of its offsets."""

    summary: str
    method: str
    kind: Literal["extractive", "abstractive"]
    sentences: list[SentenceOut]
    offsets_refer_to: Literal["text", "extracted_text", "summary"]
    headline: SpanOut | None
    length: LengthOut
    input: InputOut
    warnings: list[str]
    model: dict[str, Any] | None = Field(None, description="abstractive methods: name, source and settings")
    extracted_text: str | None = Field(None, description="HTML input: the text the offsets refer to")
    offsets: Offsets


class SummaryOut(SummaryResult):
    """The answer to ``POST /v1/summarize``: the summary and the server time spent."""

    elapsed_seconds: float = Field(description="server time spent on the request")


class ErrorBody(BaseModel):
    """``code`` is stable and machine-readable; ``details.field`` names the field at fault."""

    code: str
    message: str
    details: dict[str, Any]


class ErrorEnvelope(BaseModel):
    """The body of every error answer."""

    error: ErrorBody


class BatchSummaryOut(SummaryResult):
    """A document of a batch that was summarized."""

    id: str | int


class BatchErrorOut(BaseModel):
    """A document of a batch that failed; ``status`` is what a single request would have got."""

    id: str | int
    status: int
    error: ErrorBody


class BatchOut(BaseModel):
    """The answer to a batch: one entry per document, in input order."""

    results: list[BatchSummaryOut | BatchErrorOut]
    count: int
    failed: int
    elapsed_seconds: float


class MethodOut(BaseModel):
    """A method, its options and whether it can run here."""

    model_config = ConfigDict(extra="allow")

    name: str
    kind: Literal["extractive", "abstractive"]
    description: str
    parameters: list[dict[str, Any]]
    available: bool
    reason: str | None
    fix: str | None


class MethodsOut(BaseModel):
    """Every method, and the models configured for the model-backed ones."""

    methods: list[MethodOut]
    models: list[dict[str, Any]]


class HealthOut(BaseModel):
    """The process is alive."""

    status: Literal["ok"]


class ReadyOut(BaseModel):
    """The worker that answered is ready; ``preload`` tells each configured method's state."""

    status: Literal["ready"]
    preload: dict[str, dict[str, Any]]


RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    SummaryOut,
    BatchOut,
    ErrorEnvelope,
    MethodsOut,
    HealthOut,
    ReadyOut,
)


# ---------------------------------------------------------------------------------------------
# Binding to an app


@dataclass(frozen=True)
class Schemas:
    """The request models of one app (bound to its registry and limits)."""

    summarize: type[SummarizeRequest]
    batch: type[SummarizeBatchRequest]


def bind_schemas(registry: Registry, max_batch: int) -> Schemas:
    """Request models whose ``method``, ``options`` and ``documents`` follow the registry and limit."""
    method = (
        str,
        Field(
            "lexrank",
            min_length=1,
            description="a method listed by GET /v1/methods",
            json_schema_extra={"enum": registry.names()},
        ),
    )
    options = (
        dict[str, Any],
        Field(
            default_factory=dict,
            description="method-specific options; each applies to the methods its description names",
            json_schema_extra=options_schema(registry),
        ),
    )
    summarize = create_model(  # type: ignore[call-overload]
        "SummarizeRequest",
        __base__=SummarizeRequest,
        __doc__=SummarizeRequest.__doc__,
        method=method,
        options=options,
    )
    batch = create_model(  # type: ignore[call-overload]
        "SummarizeBatchRequest",
        __base__=SummarizeBatchRequest,
        __doc__=SummarizeBatchRequest.__doc__,
        method=method,
        options=options,
        documents=(
            list[BatchDocument],
            Field(min_length=1, max_length=max_batch, description="the documents, answered in this order"),
        ),
    )
    return Schemas(summarize=summarize, batch=batch)


def parameter_schema(parameter: Parameter) -> dict[str, Any]:
    """The JSON Schema of one method option, from its declaration."""
    schema: dict[str, Any] = (
        {"type": "array", "items": {"type": "string"}}
        if parameter.type == "array"
        else {"type": parameter.type}
    )
    if parameter.choices is not None:
        schema["enum"] = list(parameter.choices)
    if parameter.minimum is not None:
        schema["minimum"] = parameter.minimum
    if parameter.maximum is not None:
        schema["maximum"] = parameter.maximum
    if parameter.default is not None:
        schema["default"] = parameter.default
    schema["description"] = parameter.description
    return schema


def options_schema(registry: Registry) -> dict[str, Any]:
    """``properties`` of ``options``: every option of every method, saying which methods take it.

    When two methods declare an option of the same name differently, the property accepts any
    of the declarations (``anyOf``).
    """
    variants: dict[str, dict[str, tuple[dict[str, Any], list[str]]]] = {}
    for method in registry:
        for parameter in method.all_parameters():
            schema = parameter_schema(parameter)
            key = json.dumps(schema, sort_keys=True, default=str)
            variants.setdefault(parameter.name, {}).setdefault(key, (schema, []))[1].append(method.name)
    properties: dict[str, Any] = {}
    everyone = len(registry.names())
    for name, by_schema in variants.items():
        described = []
        for schema, names in by_schema.values():
            which = "every method" if len(names) == everyone else ", ".join(names)
            described.append({**schema, "description": f"{schema['description']} ({which})"})
        properties[name] = described[0] if len(described) == 1 else {"anyOf": described}
    return {"properties": properties, "additionalProperties": False}

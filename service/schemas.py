"""Request and response schemas (pydantic v2): they check the shape of requests and generate
the OpenAPI document.

The request models are bound to an app by :func:`bind_schemas`: the method names, the options
(from each method's declared :class:`~summarizers.Parameter`, the same declarations the library
validates options with) and the batch limit come from the app's registry and configuration, so
the documented schema is the one that validates. What the library validates (the method, the
length, the language, the options: :meth:`summarizers.Registry.prepare`; the shape of a
document: :class:`summarizers.Input`) is only *described* here, never checked a second time.
The response models are generated from the library's result dataclasses
(:func:`response_model`), so they cannot drift from what the library returns.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from summarizers import Input, Parameter, Registry, Summary
from summarizers.errors import InvalidOption
from summarizers.methods.query import MAX_QUERY_CHARACTERS
from summarizers.types import DEFAULT_LANGUAGE, DEFAULT_METHOD, DEFAULT_SENTENCES, MAX_SENTENCES, MAX_WORDS

from .markdown import descriptions_to_markdown

Offsets = Literal["codepoint", "utf16"]

_STRICT = ConfigDict(extra="forbid", strict=True)


class ApiJsonSchema(GenerateJsonSchema):
    """JSON Schema as the API documents it.

    The request models accept ``null`` for an optional field (as if it were left out), and the
    document says so (``anyOf: [..., {"type": "null"}]``), but shows no ``"default": null``.
    """

    def generate(self, schema: core_schema.CoreSchema, mode: Any = "validation") -> JsonSchemaValue:
        """The JSON Schema, its descriptions (taken from docstrings) written in Markdown."""
        json_schema = super().generate(schema, mode)
        descriptions_to_markdown(json_schema)
        return json_schema

    def generate_definitions(self, inputs: Any) -> Any:
        """As :meth:`generate`, for several models at once (the OpenAPI components)."""
        refs, definitions = super().generate_definitions(inputs)
        descriptions_to_markdown(definitions)
        return refs, definitions

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if self.mode == "validation" and "default" in json_schema and json_schema["default"] is None:
            del json_schema["default"]
        return json_schema


# ---------------------------------------------------------------------------------------------
# Requests


#: The JSON Schema of a length. The library checks lengths (:meth:`summarizers.Length.parse`);
#: this only documents them, with the library's bounds.
LENGTH_SCHEMA: dict[str, Any] = {
    "title": "Length",
    "description": "How long the summary should be: exactly one of sentences, ratio or words.",
    "type": "object",
    "properties": {
        "sentences": {"type": "integer", "minimum": 1, "maximum": MAX_SENTENCES,
                      "description": "number of sentences"},
        "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1,
                  "description": "fraction of the input's sentences"},
        "words": {"type": "integer", "minimum": 1, "maximum": MAX_WORDS, "description": "word budget"},
    },
    "additionalProperties": False,
    "minProperties": 1,
    "maxProperties": 1,
}

#: A length in a request: any mapping, documented by :data:`LENGTH_SCHEMA` and checked by the library.
LengthField = Annotated[dict[str, Any], WithJsonSchema(LENGTH_SCHEMA)]


def with_query(options: dict[str, Any], query: str | None) -> dict[str, Any]:
    """``options`` with a request's top-level ``query`` in it (the library checks the query).

    Raises:
        InvalidOption: a query given both at the top level and in ``options``, differently.
    """
    if query is None:
        return options
    if options.get("query") not in (None, query):
        raise InvalidOption("give the query once: query and options.query differ", field="query")
    return {**options, "query": query}


class SummarizeSettings(BaseModel):
    """What a single request and a batch share: method, length, language, options, offsets."""

    model_config = _STRICT

    method: str = Field(DEFAULT_METHOD, min_length=1, description="a method listed by GET /v1/methods")
    length: LengthField | None = Field(
        None, description=f"summary length; {DEFAULT_SENTENCES} sentences when left out"
    )
    language: str = Field(DEFAULT_LANGUAGE, min_length=1, description='a language name or ISO 639-1 code, or "auto"')
    options: dict[str, Any] = Field(
        default_factory=dict, description="method-specific options (see GET /v1/methods for each method's)"
    )
    query: str | None = Field(
        None, description="a phrase, a question or a topic description: summarize what the text says about it "
        "(the same as options.query; query-aware methods only)",
        json_schema_extra={"maxLength": MAX_QUERY_CHARACTERS},
    )
    offsets: Offsets = Field(
        "codepoint",
        description="unit of every start/end in the answer: Unicode code points (Python), "
        "or UTF-16 code units (JavaScript string indices)",
    )

    def prepare(self, registry: Registry) -> Any:
        """The library's prepared request for these settings (:meth:`Registry.prepare`).

        Raises:
            SummarizerError: for a bad method, length, language or options, or an unavailable method.
        """
        return registry.prepare(self.method, self.length, self.language, self.library_options())

    def library_options(self) -> dict[str, Any]:
        """``options``, with the top-level ``query`` in it (see :func:`with_query`)."""
        return with_query(self.options, self.query)


class SummarizeRequest(SummarizeSettings):
    """``POST /v1/summarize``: one document, as ``text``, ``html`` or ``url`` (exactly one: the
    library's :class:`~summarizers.Input` checks it, 422 ``invalid_input`` otherwise; ``url`` only
    where the server allows it)."""

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

    def input(self) -> Input:
        """The document as the library's :class:`~summarizers.Input` (the one shape rule).

        Raises:
            InvalidInput: not exactly one of ``text``, ``html`` and ``url``.
        """
        return Input(text=self.text, html=self.html, url=self.url)


class DocumentFields(BaseModel):
    """What a document of a batch and of a job share: its id, ``text`` or ``html``, and title
    (their shape is the library's :class:`~summarizers.Input`'s to check)."""

    model_config = _STRICT

    id: str | int | None = Field(
        None, description="echoed in the result; the position in the list if left out (the result then "
                          "says ``id_generated: true``)"
    )
    text: str | None = Field(None, description="the article text")
    html: str | None = Field(None, description="an article page")
    title: str | None = Field(None, description="the article's headline, when known")


class BatchDocument(DocumentFields):
    """One document of a batch. Giving not exactly one of ``text``/``html``/``url``, or text with
    no sentence, fails that document alone (its result is an error)."""

    url: str | None = Field(None, max_length=2048, description="an article page to fetch (where the server allows it)")

    def to_library(self) -> dict[str, Any]:
        """The document as a mapping of :class:`~summarizers.Input`'s fields (what
        :func:`summarizers.summarize_batch` takes, and reads with :meth:`~summarizers.Input.from_mapping`)."""
        return self.model_dump(exclude={"id"}, exclude_none=True)


class SummarizeBatchRequest(SummarizeSettings):
    """``POST /v1/summarize/batch``: many documents with shared settings."""

    documents: list[BatchDocument] = Field(min_length=1, description="the documents, answered in this order")


# ---------------------------------------------------------------------------------------------
# Responses (documentation, and the schema the property-based tests check answers against)


def _field_type(hint: Any) -> Any:
    """The pydantic type of a dataclass field's type: dataclasses become generated models,
    tuples lists, mappings dicts."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return response_model(hint)  # type: ignore[arg-type]
    if origin in (Union, types.UnionType):
        converted = tuple(_field_type(a) for a in args)
        return Union[converted]  # noqa: UP007 (a runtime union of computed types)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return list[_field_type(args[0])]  # type: ignore[misc]
    if origin in (Mapping, dict, typing.Mapping):
        return dict[str, Any]
    return hint


@cache
def response_model(cls: type) -> type[BaseModel]:
    """The pydantic model of a library result dataclass, as its ``to_dict`` writes it.

    Every field is required, except those marked ``omit_none`` (left out when ``None``); a
    field marked ``flatten`` is merged into the parent (the model then allows extra keys).
    Nested dataclasses get their own models; names and docstrings are the library's.
    """
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    flatten = False
    for f in dataclasses.fields(cls):
        if f.metadata.get("flatten"):
            flatten = True
            continue
        kind = _field_type(hints[f.name])
        doc = f.metadata.get("doc")
        if f.metadata.get("omit_none"):
            fields[f.name] = (kind, Field(None, description=doc))
        else:
            fields[f.name] = (kind, Field(..., description=doc))
    return create_model(  # type: ignore[call-overload, no-any-return]
        cls.__name__,
        __doc__=cls.__doc__,
        __config__=ConfigDict(extra="allow" if flatten else "forbid"),
        **fields,
    )


_OFFSETS_FIELD = (Offsets, Field(description="unit of every start/end in the answer"))

#: A summary as the API answers it: the library's result plus the unit of its offsets.
SummaryResult: type[BaseModel] = create_model(
    "SummaryResult", __base__=response_model(Summary),
    __doc__="A summary: the library's result (``Summary.to_dict()``) plus the unit of its offsets.",
    offsets=_OFFSETS_FIELD,
)

#: The answer to ``POST /v1/summarize``: the summary and the server time spent.
SummaryOut: type[BaseModel] = create_model(
    "SummaryOut", __base__=SummaryResult,
    __doc__="The answer to ``POST /v1/summarize``: the summary and the server time spent.",
    elapsed_seconds=(float, Field(description="server time spent on the request")),
)


class ErrorBody(BaseModel):
    """``code`` is stable and machine-readable; ``details.field`` names the field at fault."""

    code: str
    message: str
    details: dict[str, Any]


class ErrorEnvelope(BaseModel):
    """The body of every error answer."""

    error: ErrorBody


BatchSummaryOut: type[BaseModel] = create_model(
    "BatchSummaryOut", __base__=SummaryResult, __doc__="A document of a batch that was summarized.",
    id=(str | int, ...),
    id_generated=(bool | None, Field(None, description="true when the document had no id and ``id`` is its "
                                                       "position (a given id may hold the same value)")),
)


class BatchErrorOut(BaseModel):
    """A document of a batch that failed; ``status`` is what a single request would have got."""

    id: str | int
    id_generated: bool | None = Field(None, description="true when the document had no id and ``id`` is its position")
    status: int
    error: ErrorBody


class BatchOut(BaseModel):
    """The answer to a batch: one entry per document, in input order."""

    results: list[BatchSummaryOut | BatchErrorOut]  # type: ignore[valid-type]
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
    """The worker that answered is ready; ``preload`` tells each configured method's state,
    ``processes`` whether its worker processes are started."""

    status: Literal["ready"]
    preload: dict[str, dict[str, Any]]
    processes: Literal["ready", "starting"]


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
            DEFAULT_METHOD,
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

    def bound(base: type[BaseModel], **fields: Any) -> Any:
        return create_model(  # type: ignore[call-overload]
            base.__name__, __base__=base, __doc__=base.__doc__, method=method, options=options, **fields
        )

    documents = Field(min_length=1, max_length=max_batch, description="the documents, answered in this order")
    return Schemas(summarize=bound(SummarizeRequest),
                   batch=bound(SummarizeBatchRequest, documents=(list[BatchDocument], documents)))


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
    if parameter.max_length is not None:
        schema["maxLength"] = parameter.max_length
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

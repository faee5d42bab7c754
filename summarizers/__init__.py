"""summarizers: extractive and abstractive summaries behind one interface.

>>> from summarizers import summarize
>>> result = summarize(text, method="lexrank", length={"sentences": 3})
>>> result.summary, [(s.start, s.end) for s in result.sentences]

Many documents with the same settings: prepare (validate) the request once, pass it down.

>>> from summarizers import default_registry, summarize_prepared
>>> request = default_registry().prepare("lexrank", {"words": 60}, "en")
>>> [summarize_prepared(request, text).summary for text in texts]

A day's articles as a newsletter, one entry per story (:mod:`summarizers.digest`):

>>> from summarizers import summarize_digest
>>> digest = summarize_digest([{"id": "a1", "title": "...", "text": "..."}, ...], length={"words": 70})
"""

from .api import (
    load_document,
    methods,
    summarize,
    summarize_batch,
    summarize_batch_prepared,
    summarize_input,
    summarize_prepared,
)
from .document import Document, build_document
from .errors import (
    InputTooLarge,
    InvalidInput,
    InvalidLength,
    InvalidOption,
    MethodUnavailable,
    ModelError,
    ModelMissing,
    SummarizerError,
    SummaryTimeout,
    UnknownMethod,
    UnsupportedLanguage,
)
from .grounding import FaithfulnessReport, build_index, check_faithfulness
from .methods.base import Availability, Method, Parameter
from .registry import Registry, default_registry
from .request import Input, Options, Request
from .text.language import supported_languages
from .types import DEFAULT_METHOD, Length, SelectedSentence, Span, Summary

__all__ = [
    "DEFAULT_METHOD",
    "Availability",
    "Document",
    "FaithfulnessReport",
    "Input",
    "InputTooLarge",
    "InvalidInput",
    "InvalidLength",
    "InvalidOption",
    "Length",
    "Method",
    "MethodUnavailable",
    "ModelError",
    "ModelMissing",
    "Options",
    "Parameter",
    "Registry",
    "Request",
    "SelectedSentence",
    "Span",
    "SummarizerError",
    "Summary",
    "SummaryTimeout",
    "UnknownMethod",
    "UnsupportedLanguage",
    "build_document",
    "build_index",
    "check_faithfulness",
    "default_registry",
    "load_document",
    "methods",
    "summarize",
    "summarize_batch",
    "summarize_batch_prepared",
    "summarize_digest",
    "summarize_input",
    "summarize_prepared",
    "supported_languages",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``summarize_digest`` is imported on first use: the digest's dependencies (datasketch) stay
    out of a plain ``import summarizers``."""
    if name == "summarize_digest":
        from .digest import summarize_digest

        return summarize_digest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

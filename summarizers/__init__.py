"""summarizers: extractive and abstractive summaries behind one interface.

>>> from summarizers import summarize
>>> result = summarize(text, method="lexrank", length={"sentences": 3})
>>> result.summary, [(s.start, s.end) for s in result.sentences]
"""

from .api import build_request, get_registry, methods, prepare_input, summarize, summarize_batch
from .document import Document, prepare
from .errors import (
    InputTooLarge,
    InvalidInput,
    InvalidLength,
    InvalidOption,
    MethodUnavailable,
    ModelError,
    SummarizerError,
    SummaryTimeout,
    UnknownMethod,
    UnsupportedLanguage,
)
from .methods.base import Availability, Method, Parameter, Request
from .registry import DEFAULT_METHOD, Registry, default_registry
from .text.language import supported_languages
from .types import Length, SelectedSentence, Span, Summary

__all__ = [
    "DEFAULT_METHOD",
    "Availability",
    "Document",
    "InputTooLarge",
    "InvalidInput",
    "InvalidLength",
    "InvalidOption",
    "Length",
    "Method",
    "MethodUnavailable",
    "ModelError",
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
    "build_request",
    "default_registry",
    "get_registry",
    "methods",
    "prepare",
    "prepare_input",
    "summarize",
    "summarize_batch",
    "supported_languages",
]
__version__ = "0.1.0"

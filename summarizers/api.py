"""The library's entry points: :func:`summarize`, :func:`summarize_batch`, :func:`methods`."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from .document import Document, prepare, validate_text
from .errors import InvalidInput, MethodUnavailable, SummarizerError
from .methods.base import Method, Request
from .registry import DEFAULT_METHOD, Registry, default_registry
from .text.html import extract_article
from .text.language import resolve_language_name
from .types import Length, Summary

_default: Registry | None = None
_default_lock = threading.Lock()


def get_registry(registry: Registry | None = None) -> Registry:
    """``registry``, or the process-wide default registry (built on first use)."""
    global _default
    if registry is not None:
        return registry
    with _default_lock:
        if _default is None:
            _default = default_registry()
        return _default


def build_request(
    method: str = DEFAULT_METHOD,
    length: Length | Mapping[str, Any] | int | None = None,
    language: str = "english",
    options: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> tuple[Method, Request]:
    """Validate a request once: the method exists and can run, length, language, options.

    Raises:
        UnknownMethod, MethodUnavailable, InvalidLength, UnsupportedLanguage, InvalidOption.
    """
    impl = get_registry(registry).get(method)
    parsed_length = Length.parse(length)
    lang = resolve_language_name(language)
    opts = impl.validate_options(options)
    status = impl.availability()
    if not status.available:
        fix = f"; fix: {status.fix}" if status.fix else ""
        raise MethodUnavailable(
            f"method {method!r} is unavailable: {status.reason}{fix}",
            reason=status.reason or "unavailable", fix=status.fix, field="method",
        )
    return impl, Request(method=method, length=parsed_length, language=lang, options=opts)


def prepare_input(
    text: str | bytes | None = None, *, html: str | bytes | None = None,
    language: str = "english", title: str | None = None,
) -> Document:
    """A :class:`Document` from exactly one of ``text`` or ``html``.

    Raises:
        InvalidInput: both or neither given, or bad text.
    """
    if (text is None) == (html is None):
        raise InvalidInput("give exactly one of text or html", field="text")
    if html is not None:
        body, found_title = extract_article(validate_text(html, "html"))
        return prepare(body, language, title=title or found_title, source="html")
    return prepare(text, language, title=title)  # type: ignore[arg-type]


def summarize(
    text: str | bytes | None = None,
    *,
    html: str | bytes | None = None,
    method: str = DEFAULT_METHOD,
    length: Length | Mapping[str, Any] | int | None = None,
    language: str = "english",
    options: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> Summary:
    """Summarize one text (or HTML page) with any registered method.

    Args:
        text: the article text; or ``html``: a page to extract the article from.
        method: a registered method name (``summarizers.methods()`` lists them).
        length: ``{"sentences": N}``, ``{"ratio": R}``, ``{"words": W}``, an int (sentences),
            a :class:`Length`, or ``None`` for three sentences.
        language: a supported language name or ISO 639-1 code.
        options: method options (``order``, ``title``, ``model``, ``num_beams``...).
        registry: the methods to use; the default registry when ``None``.

    Raises:
        SummarizerError: one of its subclasses, for any bad input or unavailable method.
    """
    impl, request = build_request(method, length, language, options, registry)
    document = prepare_input(text, html=html, language=request.language, title=request.option("title"))
    return impl.summarize(document, request)


def summarize_batch(
    documents: Sequence[str | Mapping[str, Any]],
    *,
    method: str = DEFAULT_METHOD,
    length: Length | Mapping[str, Any] | int | None = None,
    language: str = "english",
    options: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> list[Summary | SummarizerError]:
    """Summarize many documents with shared settings; results come back in input order.

    Each document is a string or a mapping with ``text`` or ``html`` (and optionally
    ``title``). A document that fails yields its :class:`SummarizerError` in its place; the
    others are unaffected. Model-backed methods batch the documents.

    Raises:
        SummarizerError: only for problems shared by every document (unknown method...).
    """
    impl, request = build_request(method, length, language, options, registry)
    results: list[Summary | SummarizerError | None] = [None] * len(documents)
    ready: list[tuple[int, Document]] = []
    for i, item in enumerate(documents):
        try:
            if isinstance(item, Mapping):
                title = item.get("title") or request.option("title")
                doc = prepare_input(item.get("text"), html=item.get("html"),
                                    language=request.language, title=title)
            else:
                doc = prepare_input(item, language=request.language, title=request.option("title"))
            ready.append((i, doc))
        except SummarizerError as exc:
            results[i] = exc
    outputs = impl.summarize_many([d for _, d in ready], [request] * len(ready))
    for (i, _), out in zip(ready, outputs, strict=True):
        results[i] = out
    return results  # type: ignore[return-value]


def methods(registry: Registry | None = None) -> list[dict[str, Any]]:
    """Every registered method: name, kind, description, parameters, availability."""
    return get_registry(registry).describe()

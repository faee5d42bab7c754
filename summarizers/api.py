"""The library's entry points: :func:`summarize`, :func:`summarize_batch`, :func:`methods`."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .document import Document, prepare, validate_text
from .errors import InvalidInput, MethodUnavailable, SummarizerError
from .fetch import FetchPolicy, check_url, fetch
from .methods.base import Method, Request
from .registry import Registry, default_registry
from .text.encoding import charset_from_content_type, decode_html
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
    method: str = "lexrank",
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
    lang = resolve_language_name(language, allow_auto=True)
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
    text: str | bytes | None = None, *, html: str | bytes | None = None, url: str | None = None,
    language: str = "english", title: str | None = None, fetch_policy: FetchPolicy | None = None,
) -> Document:
    """A :class:`Document` from exactly one of ``text``, ``html`` or ``url``.

    HTML given as bytes is decoded from its byte-order mark, its ``<meta>`` charset or a
    detector; a ``url`` is fetched under ``fetch_policy`` (by default the one of the
    ``SUMMARIZE_URL_*`` variables, see :mod:`summarizers.fetch`) and read as HTML. Where the HTML
    came from is reported in ``Document.origin``.

    Raises:
        InvalidInput: not exactly one input, bad text, no article text in the HTML.
        UrlNotAllowed, FetchFailed: for a URL that may not, or could not, be fetched.
    """
    if sum(x is not None for x in (text, html, url)) != 1:
        raise InvalidInput("give exactly one of text, html or url", field="text")
    if url is not None:
        policy = fetch_policy or FetchPolicy.from_env()
        fetched = fetch(check_url(url, policy), policy)
        page, encoding = decode_html(fetched.data, charset_from_content_type(fetched.content_type))
        origin = {"url": {**fetched.info(), "extraction": "trafilatura"}, "encoding": encoding}
        return _from_html(page, language, title, origin)
    if html is not None:
        if isinstance(html, (bytes, bytearray)):
            page, encoding = decode_html(bytes(html))
            return _from_html(page, language, title, {"encoding": encoding})
        return _from_html(validate_text(html, "html"), language, title, None)
    return prepare(text, language, title=title)  # type: ignore[arg-type]


def _from_html(page: str, language: str, title: str | None, origin: dict[str, Any] | None) -> Document:
    body, found_title = extract_article(validate_text(page, "html"))
    document = prepare(body, language, title=title or found_title, source="html")
    return replace(document, origin=origin) if origin else document


def _with_document_warnings(result: Summary, document: Document) -> Summary:
    """``result`` with the document stage's warnings (language detection) first."""
    if not document.warnings:
        return result
    return replace(result, warnings=(*document.warnings, *result.warnings))


def summarize(
    text: str | bytes | None = None,
    *,
    html: str | bytes | None = None,
    url: str | None = None,
    method: str = "lexrank",
    length: Length | Mapping[str, Any] | int | None = None,
    language: str = "english",
    options: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    fetch_policy: FetchPolicy | None = None,
) -> Summary:
    """Summarize one text (or HTML page) with any registered method.

    Args:
        text: the article text; or ``html``: a page to extract the article from (bytes in any
            declared encoding); or ``url``: a page to fetch (under ``fetch_policy``).
        method: a registered method name (``summarizers.methods()`` lists them).
        length: ``{"sentences": N}``, ``{"ratio": R}``, ``{"words": W}``, an int (sentences),
            a :class:`Length`, or ``None`` for three sentences.
        language: a supported language name or ISO 639-1 code, or ``"auto"`` to detect it
            (``input.language_confidence`` reports the detector's confidence).
        options: method options (``order``, ``title``, ``model``, ``num_beams``...).
        registry: the methods to use; the default registry when ``None``.
        fetch_policy: hosts, networks and limits for ``url`` (default: any public host).

    Raises:
        SummarizerError: one of its subclasses, for any bad input or unavailable method.
    """
    impl, request = build_request(method, length, language, options, registry)
    document = prepare_input(text, html=html, url=url, language=request.language, title=request.option("title"),
                             fetch_policy=fetch_policy)
    return _with_document_warnings(impl.summarize(document, request), document)


def summarize_batch(
    documents: Sequence[str | Mapping[str, Any]],
    *,
    method: str = "lexrank",
    length: Length | Mapping[str, Any] | int | None = None,
    language: str = "english",
    options: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    fetch_policy: FetchPolicy | None = None,
) -> list[Summary | SummarizerError]:
    """Summarize many documents with shared settings; results come back in input order.

    Each document is a string or a mapping with ``text``, ``html`` or ``url`` (and optionally
    ``title``); URLs are fetched under ``fetch_policy``. A document that fails yields its
    :class:`SummarizerError` in its place; the others are unaffected. Model-backed methods batch the documents.

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
                doc = prepare_input(item.get("text"), html=item.get("html"), url=item.get("url"),
                                    language=request.language, title=title, fetch_policy=fetch_policy)
            else:
                doc = prepare_input(item, language=request.language, title=request.option("title"))
            ready.append((i, doc))
        except SummarizerError as exc:
            results[i] = exc
    outputs = impl.summarize_many([d for _, d in ready], [request] * len(ready))
    for (i, doc), out in zip(ready, outputs, strict=True):
        results[i] = out if isinstance(out, SummarizerError) else _with_document_warnings(out, doc)
    return results  # type: ignore[return-value]


def methods(registry: Registry | None = None) -> list[dict[str, Any]]:
    """Every registered method: name, kind, description, parameters, availability."""
    return get_registry(registry).describe()

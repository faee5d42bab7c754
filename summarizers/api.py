"""The library's entry points: :func:`summarize`, :func:`summarize_batch`, :func:`methods`, and
their forms for a request prepared once (:meth:`Registry.prepare`): :func:`summarize_prepared`,
:func:`summarize_input` (one :class:`~summarizers.request.Input`) and
:func:`summarize_batch_prepared`.

Only the three convenience functions fall back on a registry of their own (built on first use)
when the caller gives none; everything else in the library takes its registry as an argument.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Unpack

from .config import read_fetch_policy
from .document import Document, build_document, validate_text
from .errors import SummarizerError
from .fetch import FetchPolicy, check_url, fetch
from .grounding.apply import DEFAULT_MIN_FAITHFULNESS, apply_policy
from .registry import Registry, default_registry
from .request import Input, Request, RequestArguments
from .text.encoding import charset_from_content_type, decode_html
from .text.html import extract_article
from .text.language import Language
from .types import DEFAULT_LANGUAGE, Summary

_convenience: Registry | None = None
_convenience_lock = threading.Lock()


def _registry(registry: Registry | None) -> Registry:
    """``registry``, or the convenience registry of the top-level functions (built once)."""
    global _convenience
    if registry is not None:
        return registry
    with _convenience_lock:
        if _convenience is None:
            _convenience = default_registry()
        return _convenience


def load_document(
    text: str | bytes | None = None, *, html: str | bytes | None = None, url: str | None = None,
    language: str | Language = DEFAULT_LANGUAGE, title: str | None = None, fetch_policy: FetchPolicy | None = None,
) -> Document:
    """A :class:`Document` from exactly one of ``text``, ``html`` or ``url`` (see :func:`load_input`).

    Raises:
        InvalidInput: not exactly one input, bad text, no article text in the HTML.
        UrlNotAllowed, FetchFailed: for a URL that may not, or could not, be fetched.
    """
    return load_input(Input(text=text, html=html, url=url, title=title), language, fetch_policy=fetch_policy)


def load_input(given: Input, language: str | Language = DEFAULT_LANGUAGE, *, title: str | None = None,
               fetch_policy: FetchPolicy | None = None) -> Document:
    """The :class:`Document` of an :class:`Input` (its ``title``, else ``title``, is the headline).

    HTML given as bytes is decoded from its byte-order mark, its ``<meta>`` charset or a
    detector; a ``url`` is fetched under ``fetch_policy`` (by default the one of the
    ``SUMMARIZE_URL_*`` variables, see :mod:`summarizers.fetch`) and read as HTML. Where the HTML
    came from is reported in ``Document.origin``. ``language`` may be ``"auto"`` (detected);
    the input's own ``language`` is its caller's to apply (the digest does).

    Raises:
        InvalidInput: bad text (empty, binary, no sentence), no article text in the HTML.
        UrlNotAllowed, FetchFailed: for a URL that may not, or could not, be fetched.
    """
    text, html, url, title = given.text, given.html, given.url, given.title or title
    if url is not None:
        policy = fetch_policy or read_fetch_policy()
        fetched = fetch(check_url(url, policy), policy)
        page, encoding = decode_html(fetched.data, charset_from_content_type(fetched.content_type))
        origin = {"url": {**fetched.info(), "extraction": "trafilatura"}, "encoding": encoding}
        return _from_html(page, language, title, origin)
    if html is not None:
        if isinstance(html, (bytes, bytearray)):
            page, encoding = decode_html(bytes(html))
            return _from_html(page, language, title, {"encoding": encoding})
        return _from_html(validate_text(html, "html"), language, title, None)
    return build_document(text, language, title=title)  # type: ignore[arg-type]


def _from_html(page: str, language: str | Language, title: str | None, origin: dict[str, Any] | None) -> Document:
    body, found_title = extract_article(validate_text(page, "html"))
    document = build_document(body, language, title=title or found_title, source="html")
    return replace(document, origin=origin) if origin else document


def summarize_prepared(
    request: Request, text: str | bytes | None = None, *, html: str | bytes | None = None,
    url: str | None = None, title: str | None = None, fetch_policy: FetchPolicy | None = None,
) -> Summary:
    """Summarize one text (or HTML page, or the page at ``url``) with a prepared request.

    ``title`` (the headline, when known) overrides the request's ``title`` option.

    Raises:
        SummarizerError: one of its subclasses, for bad input or a failing method.
    """
    return summarize_input(request, Input(text=text, html=html, url=url, title=title), fetch_policy=fetch_policy)


def summarize_input(request: Request, given: Input, *, fetch_policy: FetchPolicy | None = None) -> Summary:
    """Summarize one :class:`Input` with a prepared request (its ``title`` overrides the
    request's ``title`` option).

    Raises:
        SummarizerError: one of its subclasses, for bad input or a failing method.
    """
    document = load_input(given, request.language, title=request.option("title"), fetch_policy=fetch_policy)
    return finish(request.method.summarize(document, request), document, request)


def finish(result: Summary, document: Document, request: Request) -> Summary:
    """A method's ``result`` with the document stage's warnings (language detection) first,
    grounded, and ``options.faithfulness`` applied (see
    :func:`summarizers.grounding.apply.apply_policy`); the fallback is the extractive request
    prepared with it (:attr:`Request.fallback`)."""
    if document.warnings:
        result = replace(result, warnings=(*document.warnings, *result.warnings))
    if result.kind == "extractive":
        return apply_policy(result, document)  # its own support: nothing to drop or replace
    extractive = request.fallback

    def fallback() -> Summary:
        assert extractive is not None
        return extractive.method.summarize(document, extractive)

    return apply_policy(result, document, request.option("faithfulness", "report"),
                        request.option("min_faithfulness", DEFAULT_MIN_FAITHFULNESS),
                        fallback if extractive is not None else None)


def summarize_batch_prepared(
    request: Request, documents: Sequence[str | Mapping[str, Any] | Input], *,
    fetch_policy: FetchPolicy | None = None,
) -> list[Summary | SummarizerError]:
    """Summarize many documents with one prepared request; results in input order.

    Each document is a string (a text), an :class:`Input`, or a mapping read as one
    (:meth:`Input.from_mapping`: ``text``, ``html`` or ``url``, and optionally ``title``...);
    URLs are fetched under ``fetch_policy``. A document that fails yields its
    :class:`SummarizerError` in its place; the others are unaffected. Model-backed methods
    batch the documents.
    """
    results: list[Summary | SummarizerError | None] = [None] * len(documents)
    ready: list[tuple[int, Document]] = []
    for i, item in enumerate(documents):
        try:
            given = item if isinstance(item, Input) else Input.from_mapping(item) if isinstance(item, Mapping) \
                else Input(text=item)
            doc = load_input(given, request.language, title=request.option("title"), fetch_policy=fetch_policy)
            ready.append((i, doc))
        except SummarizerError as exc:
            results[i] = exc
    outputs = request.method.summarize_many([d for _, d in ready], [request] * len(ready))
    for (i, doc), out in zip(ready, outputs, strict=True):
        results[i] = out if isinstance(out, SummarizerError) else finish(out, doc, request)
    return results  # type: ignore[return-value]


def summarize(
    text: str | bytes | None = None,
    *,
    html: str | bytes | None = None,
    url: str | None = None,
    registry: Registry | None = None,
    fetch_policy: FetchPolicy | None = None,
    **request: Unpack[RequestArguments],
) -> Summary:
    """Summarize one text (or HTML page, or the page at a URL) with any registered method.

    Args:
        text: the article text; or ``html``: a page to extract the article from (bytes in any
            declared encoding); or ``url``: a page to fetch (under ``fetch_policy``).
        registry: the methods to use; when ``None``, a registry of the built-ins and plugins
            that this function builds once.
        fetch_policy: hosts, networks and limits for ``url`` (default: the ``SUMMARIZE_URL_*``
            variables).
        request: ``method``, ``length``, ``language``, ``options``
            (:class:`~summarizers.request.RequestArguments`).

    Raises:
        SummarizerError: one of its subclasses, for any bad input or unavailable method.
    """
    prepared = _registry(registry).prepare(**request)
    return summarize_prepared(prepared, text, html=html, url=url, fetch_policy=fetch_policy)


def summarize_batch(
    documents: Sequence[str | Mapping[str, Any]],
    *,
    registry: Registry | None = None,
    fetch_policy: FetchPolicy | None = None,
    **request: Unpack[RequestArguments],
) -> list[Summary | SummarizerError]:
    """Summarize many documents with shared settings (``request``: ``method``, ``length``,
    ``language``, ``options``, as :func:`summarize`); results come back in input order.

    See :func:`summarize_batch_prepared` for the documents and the failures.

    Raises:
        SummarizerError: only for problems shared by every document (unknown method...).
    """
    prepared = _registry(registry).prepare(**request)
    return summarize_batch_prepared(prepared, documents, fetch_policy=fetch_policy)


def methods(registry: Registry | None = None) -> list[dict[str, Any]]:
    """Every registered method: name, kind, description, parameters, availability."""
    return _registry(registry).describe()

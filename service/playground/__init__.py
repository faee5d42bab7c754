"""The playground: a page at ``/`` and ``/playground`` to try the API on an article.

The pages are rendered from ``templates/`` (one ``page.html`` holds the head both pages share:
title, icon, style sheet and script module); what they load (CSS, JavaScript modules, icon) is
in ``static/`` and served by this blueprint; the page talks to the API like any other client (``/v1/methods``,
``/v1/summarize``), with the key the user types when keys are on. Every response of the
blueprint carries a strict Content-Security-Policy: scripts, styles and requests from this
origin only, no inline script or style, no frames, no plugins, and Trusted Types for DOM sinks.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, make_response, render_template, request

from summarizers import SummarizerError, UnsupportedLanguage, supported_languages

from ..state import current_state

bp = Blueprint(
    "playground", __name__, static_folder="static", static_url_path="/playground/assets",
    template_folder="templates",
)

#: The page's policy: nothing but this origin, nothing inline, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
#: The word requests use for automatic language detection, when the library offers it.
AUTO_LANGUAGE = "auto"
_CACHE_KEY = "summarize_playground"


@bp.after_request
def _secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.get("/")
@bp.get("/playground")
def page() -> Response:
    """The playground page (its scripts and styles are under ``/playground/assets/``)."""
    return _render("index.html", title="Summarizers playground", assets="playground/assets/",
                   style="playground.css", script="main.js")


@bp.get("/playground/digest")
def digest_page() -> Response:
    """The digest page: articles in, the stories out, each sentence's source highlighted."""
    return _render("digest.html", title="Digest playground", assets="assets/", style="digest.css",
                   script="digest.js")


def _render(template: str, *, title: str, assets: str, style: str, script: str) -> Response:
    """A page from ``template`` with the shared head (``assets``: the assets' URL relative to
    the page), revalidated on every use (``no-cache``, an ETag: ``If-None-Match`` gets a 304)."""
    html = render_template(template, title=title, assets=assets, style=style, script=script) + "\n"
    response = make_response(html)
    response.mimetype = "text/html"
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/playground/config.json")
def config() -> Response:
    """What the page needs before it can call the API: whether a key is needed, the languages."""
    return jsonify(page_config())


def page_config() -> dict[str, Any]:
    """``api_key_required``, ``languages`` (names), ``auto_language``, ``default_method`` (the
    API's, from the schema that validates requests) and ``max_body_bytes``.

    Computed once per app: ``auto_language`` says whether the library takes ``"auto"`` as a
    language, found by asking it to validate such a request rather than assumed.
    """
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is None:
        state = current_state()
        cached = current_app.extensions[_CACHE_KEY] = {
            "api_key_required": state.keys.enabled,
            "languages": [name for name in supported_languages() if name != AUTO_LANGUAGE],
            "auto_language": accepts_auto_language(state.registry),
            "default_method": state.schemas.summarize.model_fields["method"].default,
            "max_body_bytes": state.config.max_body_bytes,
        }
    return cached


def accepts_auto_language(registry: Any) -> bool:
    """Whether ``language="auto"`` passes the library's request validation with ``registry``."""
    for name in registry.names():
        try:
            registry.prepare(name, None, AUTO_LANGUAGE, None)
        except UnsupportedLanguage:
            return False
        except SummarizerError:  # this method cannot run here; ask the next one
            continue
        return True
    return False

"""Article text from HTML, with `trafilatura <https://trafilatura.readthedocs.io>`_."""

from __future__ import annotations

from ..errors import InvalidInput


def extract_article(html: str) -> tuple[str, str | None]:
    """The main text of an article page (one paragraph per line) and its title, if any.

    Raises:
        InvalidInput: when no article text can be found in ``html``.
    """
    import trafilatura

    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, include_images=False,
        favor_precision=True, deduplicate=True,
    )
    if not text or not text.strip():
        # Short pages fall below trafilatura's precision thresholds; try the fallback extractors.
        text = trafilatura.extract(html, include_comments=False, favor_recall=True)
    if not text or not text.strip():
        text = plain_text(html)  # a fragment or a tiny page: its visible text is the article
    if not text or not text.strip():
        raise InvalidInput("no article text could be extracted from the HTML", field="html")
    metadata = trafilatura.extract_metadata(html)
    title = metadata.title if metadata is not None else None
    return text, title


_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "dd", "dt", "figcaption")
_INVISIBLE = ("script", "style", "noscript", "template", "head", "nav", "footer", "form")


def plain_text(html: str) -> str:
    """The visible text of ``html``, one block element (paragraph, list item...) per line.

    The last resort for fragments and tiny pages that trafilatura's extractors leave empty.
    """
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    for element in list(root.iter(*_INVISIBLE)):
        element.drop_tree()
    blocks = [el for el in root.iter(*_BLOCKS) if not any(a.tag in _BLOCKS for a in el.iterancestors())]
    pieces = [" ".join(el.text_content().split()) for el in blocks] or [" ".join(root.text_content().split())]
    return "\n".join(p for p in pieces if p)

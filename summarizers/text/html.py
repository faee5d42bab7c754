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
        raise InvalidInput("no article text could be extracted from the HTML", field="html")
    metadata = trafilatura.extract_metadata(html)
    title = metadata.title if metadata is not None else None
    return text, title

"""Sentence segmentation with character offsets, needing no downloaded data.

The segmenter is `sentencex <https://github.com/wikimedia/sentencex>`_ (Wikimedia): rule
based, about 300 languages, abbreviation lists built in, and it reports offsets. This module
only trims the whitespace around each sentence and shifts offsets to the paragraph's place.
"""

from __future__ import annotations

import sentencex

from ..types import Span


def split_sentences(text: str, language_code: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentences whose offsets index ``text`` itself.

    Each returned span satisfies ``span.text == text[span.start:span.end]`` and has no leading
    or trailing whitespace; empty pieces are dropped.
    """
    end = len(text) if end is None else end
    piece = text[start:end]
    spans: list[Span] = []
    for boundary in sentencex.get_sentence_boundaries(language_code, piece):
        s, e = boundary["start_index"], boundary["end_index"]
        chunk = piece[s:e]
        stripped = chunk.strip()
        if not stripped:
            continue
        s += len(chunk) - len(chunk.lstrip())
        e = s + len(stripped)
        spans.append(Span(stripped, start + s, start + e))
    return spans

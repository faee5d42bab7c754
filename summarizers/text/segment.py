"""Sentence segmentation with character offsets, needing no downloaded data.

The segmenter is `sentencex <https://github.com/wikimedia/sentencex>`_ (Wikimedia): rule
based, about 300 languages, abbreviation lists built in, and it reports offsets. This module
trims the whitespace around each sentence, shifts offsets to the paragraph's place, and splits
after a bracketed sentence ("(This was unexpected.) Shares fell."), which sentencex keeps whole.
"""

from __future__ import annotations

import re
from itertools import pairwise

import sentencex

from ..types import Span

#: A sentence closed inside brackets, followed by the start of another sentence.
_AFTER_BRACKETED = re.compile(r"(?<=[.!?][)\]])\s+(?=[\"“‘(\[]?[A-Z0-9])")


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
        cuts = [s, *(m.end() for m in _AFTER_BRACKETED.finditer(piece, s, e)), e]
        for a, b in pairwise(cuts):
            chunk = piece[a:b]
            stripped = chunk.strip()
            if stripped:
                a += len(chunk) - len(chunk.lstrip())
                spans.append(Span(stripped, start + a, start + a + len(stripped)))
    return spans

"""Word tokenization without downloads (Unicode-aware regular expressions)."""

from __future__ import annotations

import re

#: A word for counting: letters or digits, with inner apostrophes, hyphens and decimal points.
_COUNT_RE = re.compile(r"[^\W_]+(?:['’.,\-][^\W_]+)*")
#: A word for the algorithms (as sumy's own tokenizer keeps them): letters only.
_LEXICAL_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def count_words(text: str) -> int:
    """The number of words in ``text`` (numbers such as ``$1.13bn`` count as one)."""
    return len(_COUNT_RE.findall(text))


def word_starts(text: str) -> list[int]:
    """Where each counted word of ``text`` starts (no word holds a space: the words of a piece
    cut at a space are those on its side)."""
    return [m.start() for m in _COUNT_RE.finditer(text)]


def lexical_words(text: str) -> list[str]:
    """The alphabetic words of ``text``, in order, as the extractive algorithms see them."""
    return _LEXICAL_RE.findall(text)


def has_words(text: str) -> bool:
    """Whether ``text`` holds at least one alphabetic word."""
    return _LEXICAL_RE.search(text) is not None

"""Offsets in UTF-16 code units, for clients whose strings are UTF-16 (JavaScript, Java, C#).

The library's offsets count Unicode code points (Python's ``str`` indices). A character outside
the Basic Multilingual Plane (most emoji) is one code point but two UTF-16 code units, so every
offset after one shifts by one per such character. Accented letters are one unit either way
(when precomposed; a combining accent is a code point of its own in both counts).
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_left
from typing import Any

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Index:
    """Converts code-point offsets of one string to UTF-16 code-unit offsets."""

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def __call__(self, offset: int) -> int:
        """The UTF-16 offset of code-point ``offset`` (characters before it that need two units, added)."""
        return offset + bisect_left(self._astral, offset)


def utf16_result(result: dict[str, Any], document_text: str) -> dict[str, Any]:
    """A copy of ``Summary.to_dict()`` output with every ``start``/``end`` in UTF-16 code units.

    Args:
        result: the library's result as a dict.
        document_text: the text the input offsets refer to (the posted text, or the text
            extracted from HTML input); headline, removed and support spans always refer to
            it, and sentences and their unsupported items do too unless ``offsets_refer_to``
            is ``"summary"``.
    """
    out = copy.deepcopy(result)
    document = Utf16Index(document_text)
    sentences = Utf16Index(out["summary"]) if out.get("offsets_refer_to") == "summary" else document
    for sentence in out.get("sentences", []):  # grounding: support spans always index the input,
        for support in sentence.get("support", []):  # unsupported items what the sentence indexes
            _convert(support, document)
        for item in sentence.get("unsupported", []):
            _convert(item, sentences)

    for sentence in out.get("sentences", []):
        _convert(sentence, sentences)
    for sentence in out.get("all_sentences") or []:
        _convert(sentence, document)
    if out.get("headline"):
        _convert(out["headline"], document)
    for removed in out.get("input", {}).get("removed", []):
        _convert(removed, document)
    for match in (out.get("query") or {}).get("matches", []):
        _convert(match, document)
    return out


def _convert(span: dict[str, Any], index: Utf16Index) -> None:
    span["start"] = index(span["start"])
    span["end"] = index(span["end"])

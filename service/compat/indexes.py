"""Offsets into a string as other platforms count them.

The library's offsets count Unicode code points (Python ``str`` indices). Azure AI Language
returns offsets in the ``stringIndexType`` a request asks for:

- ``UnicodeCodePoint``: code points (Python, and the Azure Python client's default);
- ``Utf16CodeUnit``: UTF-16 code units (JavaScript, Java, C#): a code point outside the Basic
  Multilingual Plane (most emoji, each half of a flag) counts two;
- ``TextElements_v8``: user-perceived characters (extended grapheme clusters): ``e`` plus a
  combining accent, a flag (two regional indicators) or an emoji with a skin-tone modifier
  count one. The clusters are the ``regex`` module's ``\\X`` (current Unicode rules; Azure's
  name refers to Unicode 8, whose rules split emoji ZWJ sequences that later versions join).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Literal

import regex

from ..offsets import Utf16Index

StringIndexType = Literal["TextElements_v8", "UnicodeCodePoint", "Utf16CodeUnit"]
#: Every index type Azure accepts, in its spelling.
STRING_INDEX_TYPES: tuple[StringIndexType, ...] = ("TextElements_v8", "UnicodeCodePoint", "Utf16CodeUnit")

_GRAPHEME = regex.compile(r"\X")


class StringIndex:
    """Converts code-point offsets of one string to offsets of another index type.

    Args:
        text: the string the offsets index.
        kind: the index type to convert to.

    Raises:
        ValueError: for an index type that is not one of :data:`STRING_INDEX_TYPES`.
    """

    def __init__(self, text: str, kind: StringIndexType) -> None:
        if kind not in STRING_INDEX_TYPES:
            raise ValueError(f"unknown string index type {kind!r}; use one of {', '.join(STRING_INDEX_TYPES)}")
        self.kind = kind
        self._length = len(text)
        self._utf16 = Utf16Index(text) if kind == "Utf16CodeUnit" else None
        self._marks = [m.start() for m in _GRAPHEME.finditer(text)] if kind == "TextElements_v8" else []

    def offset(self, codepoint: int) -> int:
        """The offset of code point ``codepoint`` (``0..len(text)``) in this index type.

        An offset inside a grapheme cluster counts the cluster it is in (so a span's end inside
        a cluster takes the whole cluster).
        """
        codepoint = max(0, min(codepoint, self._length))
        if self._utf16 is not None:
            return self._utf16(codepoint)  # the same count as /v1's offsets: "utf16"
        if self.kind == "TextElements_v8":
            return bisect_left(self._marks, codepoint)
        return codepoint

    def span(self, start: int, end: int) -> tuple[int, int]:
        """``(offset, length)`` in this index type of the code-point span ``start..end``."""
        first = self.offset(start)
        return first, max(0, self.offset(end) - first)


def count(text: str, kind: StringIndexType) -> int:
    """The length of ``text`` in index type ``kind``."""
    return StringIndex(text, kind).offset(len(text))


def slice_by(text: str, offset: int, length: int, kind: StringIndexType) -> str:
    """The part of ``text`` at ``offset``/``length`` counted in ``kind`` (what a client in that
    platform would cut): the inverse of :meth:`StringIndex.span`, for tests and clients."""
    if kind == "Utf16CodeUnit":
        units = text.encode("utf-16-le", "surrogatepass")
        return units[2 * offset:2 * (offset + length)].decode("utf-16-le", "surrogatepass")
    if kind == "TextElements_v8":
        return "".join(_GRAPHEME.findall(text)[offset:offset + length])
    return text[offset:offset + length]

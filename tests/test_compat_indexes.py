"""String offsets as Azure's three ``stringIndexType`` values count them: code points, UTF-16 code
units, grapheme clusters (emoji, flags, combining marks make the three differ)."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from summarizers_service.compat.indexes import STRING_INDEX_TYPES, StringIndex, count, slice_by

# "e" + combining acute (2 code points, 1 grapheme); a flag (2 astral code points, 4 UTF-16 units,
# 1 grapheme); a thumbs-up with a skin tone (2 astral code points, 1 grapheme); a ZWJ family.
TEXT = "Cafe\u0301 🇺🇸 ok 👍🏽 then 👨‍👩‍👧 end."


def test_the_three_counts_differ_as_each_platform_counts() -> None:
    assert count(TEXT, "UnicodeCodePoint") == len(TEXT)
    assert count(TEXT, "Utf16CodeUnit") == len(TEXT.encode("utf-16-le")) // 2
    assert count(TEXT, "TextElements_v8") == len(regex.findall(r"\X", TEXT))
    assert len({count(TEXT, k) for k in STRING_INDEX_TYPES}) == 3


def test_hand_checked_offsets_of_the_word_after_a_flag() -> None:
    start = TEXT.index("ok")
    # code points: "Cafe" 4 + combining 1 + space + flag 2 + space = 9
    assert StringIndex(TEXT, "UnicodeCodePoint").span(start, start + 2) == (9, 2)
    # UTF-16: the flag's two regional indicators are two units each
    assert StringIndex(TEXT, "Utf16CodeUnit").span(start, start + 2) == (11, 2)
    # graphemes: "Café" 4, space, flag 1, space
    assert StringIndex(TEXT, "TextElements_v8").span(start, start + 2) == (7, 2)


@pytest.mark.parametrize("kind", STRING_INDEX_TYPES)
def test_every_word_is_cut_back_exactly_in_every_index_type(kind: str) -> None:
    index = StringIndex(TEXT, kind)  # type: ignore[arg-type]
    for match in regex.finditer(r"\S+", TEXT):
        offset, length = index.span(match.start(), match.end())
        assert slice_by(TEXT, offset, length, kind) == match.group()  # type: ignore[arg-type]


def test_unknown_index_type_is_refused() -> None:
    with pytest.raises(ValueError, match="Utf16CodeUnit"):
        StringIndex(TEXT, "Utf8")  # type: ignore[arg-type]


_PIECES = st.sampled_from(["a", "é", "e\u0301", "🇫🇷", "👍🏽", "😀", " ", ".", "ß", "中", "\u200d", "👨‍👩‍👧"])


@given(st.lists(_PIECES, min_size=1, max_size=30), st.data())
def test_spans_at_cluster_boundaries_round_trip(pieces: list[str], data: st.DataObject) -> None:
    text = "".join(pieces)
    bounds = sorted({0, len(text), *(m.start() for m in regex.finditer(r"\X", text))})
    a = data.draw(st.sampled_from(bounds))
    b = data.draw(st.sampled_from([x for x in bounds if x >= a]))
    for kind in STRING_INDEX_TYPES:
        offset, length = StringIndex(text, kind).span(a, b)
        assert slice_by(text, offset, length, kind) == text[a:b]

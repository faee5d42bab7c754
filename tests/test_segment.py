"""Sentence segmentation: offsets and the hard cases of news text."""

from __future__ import annotations

import pytest

from summarizers.text.segment import split_sentences


def texts(text: str, code: str = "en") -> list[str]:
    return [s.text for s in split_sentences(text, code)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith went to Washington on Jan. 5 with Dr. Jones. He met the U.S. president.",
         ["Mr. Smith went to Washington on Jan. 5 with Dr. Jones.", "He met the U.S. president."]),
        ("The novel is by J. R. R. Tolkien. It sold well.",
         ["The novel is by J. R. R. Tolkien.", "It sold well."]),
        ("Profits jumped 76% to $1.13bn (£600m) for the quarter. Sales rose 2.5%.",
         ["Profits jumped 76% to $1.13bn (£600m) for the quarter.", "Sales rose 2.5%."]),
        ('"We will win," he said. "They will lose." It ended.',
         ['"We will win," he said.', '"They will lose."', "It ended."]),
        ("He said: “It is over.” Then he left! Did he return? Nobody knows...",
         ["He said: “It is over.”", "Then he left!", "Did he return?", "Nobody knows..."]),
        ("Prices rose in the U.K. Meanwhile in France they fell.",
         ["Prices rose in the U.K.", "Meanwhile in France they fell."]),
        ("Analysts at J.P. Morgan (the bank) agreed. (This was unexpected.) Shares fell.",
         ["Analysts at J.P. Morgan (the bank) agreed.", "(This was unexpected.)", "Shares fell."]),
    ],
)
def test_hard_cases(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_offsets_slice_back_exactly_with_non_ascii() -> None:
    text = "  Café prices: 😀 up 5%.\tNext “quoted.”  Done. "
    spans = split_sentences(text, "en")
    assert [s.text for s in spans] == ["Café prices: 😀 up 5%.", "Next “quoted.”", "Done."]
    for s in spans:
        assert text[s.start:s.end] == s.text


def test_offsets_of_a_slice_index_the_whole_text() -> None:
    text = "Ignore this. Keep one. Keep two."
    start = text.index("Keep")
    spans = split_sentences(text, "en", start, len(text))
    assert [(text[s.start:s.end]) for s in spans] == ["Keep one.", "Keep two."]


def test_other_languages() -> None:
    assert texts("Der Preis stieg um 3,5 Prozent. Das ist z. B. gut.", "de") == [
        "Der Preis stieg um 3,5 Prozent.", "Das ist z. B. gut."]
    assert len(texts("Hola. ¿Qué tal? Bien.", "es")) == 3


def test_whitespace_only_gives_nothing() -> None:
    assert split_sentences("   \n ", "en") == []

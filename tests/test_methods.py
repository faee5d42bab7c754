"""Every extractive method on tiny documents: edge cases, order, offsets, lengths."""

from __future__ import annotations

import pytest

from summarizers import default_registry, summarize

EXTRACTIVE = [m.name for m in default_registry() if m.kind == "extractive"]
ARTICLE = (
    "The central bank raised interest rates by half a point on Tuesday. "
    "Economists had expected a smaller rise in interest rates. "
    "The bank said inflation was still too high. "
    "Shares fell sharply after the announcement.\n"
    "Mortgage holders will pay more from next month. "
    "The government welcomed the decision of the bank. "
    "Opposition parties said the rise in rates would hurt families."
)


def test_ten_extractive_methods_are_registered() -> None:
    assert set(EXTRACTIVE) >= {"lsa", "lexrank", "textrank", "luhn", "edmundson", "kl", "sumbasic",
                               "reduction", "random", "lead"}


@pytest.mark.parametrize("method", EXTRACTIVE)
def test_offsets_scores_and_ranks(method: str) -> None:
    result = summarize(ARTICLE, method=method, length={"sentences": 3})
    assert result.method == method and result.kind == "extractive"
    assert len(result.sentences) == 3
    assert result.offsets_refer_to == "text"
    starts = [s.start for s in result.sentences]
    assert starts == sorted(starts), "document order by default"
    for s in result.sentences:
        assert ARTICLE[s.start:s.end] == s.text
    assert sorted(s.rank for s in result.sentences) == [1, 2, 3]
    assert result.summary == " ".join(s.text for s in result.sentences)
    assert result.length.sentences == 3
    assert result.length.words == len(result.summary.split())
    assert result.length.characters == len(result.summary)
    assert result.input.sentences == 7 and result.input.language == "english"
    assert result.warnings == ()


@pytest.mark.parametrize("method", EXTRACTIVE)
def test_rank_order(method: str) -> None:
    result = summarize(ARTICLE, method=method, length={"sentences": 4}, options={"order": "rank"})
    assert [s.rank for s in result.sentences] == [1, 2, 3, 4]
    scores = [s.score for s in result.sentences]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("method", EXTRACTIVE)
def test_one_sentence_document(method: str) -> None:
    result = summarize("Only one sentence is here.", method=method)
    assert [s.text for s in result.sentences] == ["Only one sentence is here."]
    assert result.warnings and "whole text" in result.warnings[0]


@pytest.mark.parametrize("method", EXTRACTIVE)
def test_more_sentences_than_the_document_has(method: str) -> None:
    result = summarize(ARTICLE, method=method, length={"sentences": 50})
    assert len(result.sentences) == 7
    assert "asked for 50 sentences but the text has 7" in result.warnings[0]


@pytest.mark.parametrize("method", EXTRACTIVE)
def test_ratio_and_word_budget(method: str) -> None:
    assert len(summarize(ARTICLE, method=method, length={"ratio": 0.3}).sentences) == 2
    result = summarize(ARTICLE, method=method, length={"words": 25})
    assert 1 <= result.length.words <= 25


@pytest.mark.parametrize("method", EXTRACTIVE)
def test_deterministic(method: str) -> None:
    first = summarize(ARTICLE, method=method).to_dict()
    assert summarize(ARTICLE, method=method).to_dict() == first


def test_random_seed_changes_the_choice() -> None:
    picks = {tuple(s.start for s in summarize(ARTICLE, method="random", options={"seed": seed}).sentences)
             for seed in range(6)}
    assert len(picks) > 1


def test_lead_takes_the_first_sentences() -> None:
    result = summarize(ARTICLE, method="lead", length={"sentences": 2})
    assert [s.text for s in result.sentences] == [
        "The central bank raised interest rates by half a point on Tuesday.",
        "Economists had expected a smaller rise in interest rates.",
    ]


def test_word_budget_too_small_returns_the_best_sentence_with_a_warning() -> None:
    result = summarize(ARTICLE, method="lead", length={"words": 2})
    assert len(result.sentences) == 1
    assert "over the budget" in result.warnings[0]


def test_edmundson_uses_given_word_lists() -> None:
    result = summarize(ARTICLE, method="edmundson", length={"sentences": 1},
                       options={"bonus_words": ["mortgage"], "stigma_words": ["opposition"],
                                "order": "rank"})
    assert result.sentences[0].text.startswith("Mortgage holders")


def test_duplicate_sentences_keep_their_own_offsets() -> None:
    text = "Rates rose again. Markets fell.\nRates rose again. Banks gained."
    result = summarize(text, method="lexrank", length={"sentences": 4})
    assert [(s.start, s.end) for s in result.sentences] == [(0, 17), (18, 31), (32, 49), (50, 63)]

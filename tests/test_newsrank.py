"""``newsrank``: position, directed centrality, headline, length and redundancy control."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from summarizers import DEFAULT_METHOD, build_document, default_registry, summarize
from summarizers.methods import newsrank
from summarizers.methods.newsrank import directed_centrality, mmr_scores

ARTICLE = (
    "Floods closed the main bridge into the city on Monday after two days of heavy rain.\n"
    "Floods closed the main bridge into the city on Monday after two days of heavy rain.\n"
    "The river rose two metres overnight and reached homes near the old harbour.\n"
    "Engineers will inspect the bridge before it opens again, the council said.\n"
    "Schools stayed open.\n"
    "Residents near the harbour were moved to a sports hall by the fire brigade.\n"
)


def test_registered_first_and_is_the_default() -> None:
    assert DEFAULT_METHOD == "newsrank"
    assert default_registry().names()[0] == "newsrank"
    assert summarize(ARTICLE).method == "newsrank"


def test_directed_centrality_equals_the_dense_sums() -> None:
    rows = sp.random(30, 25, density=0.2, random_state=3, format="csr")
    sims = (rows @ rows.T).toarray()
    np.fill_diagonal(sims, 0.0)
    expected = np.triu(sims).sum(axis=1) - 1.5 * np.tril(sims).sum(axis=1)
    assert directed_centrality(rows, 1.5) == pytest.approx(expected, abs=1e-12)


def test_mmr_scores_follow_the_ranking_and_penalise_repeats() -> None:
    rows = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    scores = mmr_scores(np.array([1.0, 0.95, 0.6]), rows, depth=3, redundancy=0.5)
    assert list(np.argsort(-scores, kind="stable")) == [0, 2, 1]  # the repeat drops below the new topic
    assert scores[0] > scores[2] > scores[1]


def test_the_repeated_lead_is_not_chosen_twice() -> None:
    result = summarize(ARTICLE, method="newsrank", length={"sentences": 2})
    texts = [s.text for s in result.sentences]
    assert len(set(texts)) == 2 and texts[0].startswith("Floods closed")


def test_every_sentence_is_ranked_and_scores_never_increase() -> None:
    result = summarize(ARTICLE, method="newsrank", length={"ratio": 1.0}, options={"order": "rank"})
    assert [s.rank for s in result.sentences] == list(range(1, 7))
    scores = [s.score for s in result.sentences]
    assert all(a > b for a, b in itertools.pairwise(scores))
    assert result.sentences[-1].text.startswith(("Floods", "Schools"))  # the repeat or the short one


def test_the_headline_pulls_its_sentence_up() -> None:
    body = (
        "The council met on Tuesday to discuss the budget for next year.\n"
        "Several members asked about the cost of the new library building.\n"
        "A long debate followed about the opening hours of the swimming pool in the summer.\n"
        "The mayor said a decision on the bridge toll would come in March after a consultation.\n"
    )
    def rank_of_the_decision(options: dict) -> int:
        result = summarize(body, method="newsrank", length={"ratio": 1.0}, options=options)
        return next(s.rank for s in result.sentences if s.text.startswith("The mayor said"))

    assert newsrank.HEADLINE_WEIGHT > 0
    assert rank_of_the_decision({}) > rank_of_the_decision({"title": "Bridge toll decision due in March"})


def test_deterministic_and_linear_on_a_long_text() -> None:
    text = "\n".join(f"Report {i} says the harbour number {i % 37} reopened after storm {i % 11}." for i in range(3000))
    a = summarize(text, method="newsrank", length={"sentences": 5})
    b = summarize(text, method="newsrank", length={"sentences": 5})
    assert a.to_dict() == b.to_dict() and a.input.sentences == 3000


#: The lead, then a near-repeat of it in second place (a caption's sentence, a standfirst).
REPEATING = (
    "North Korean leader Kim Jong Un will soon visit Russia to meet President Vladimir Putin, state media said.\n"
    "North Korea confirmed on Tuesday that Kim Jong Un will soon visit Russia to meet President Vladimir Putin.\n"
    "The meeting may give Kim more leeway in future negotiations with the United States after a failed summit.\n"
    "The Kremlin announced last week that the leader would visit, without giving a date or a place.\n"
    "Analysts said Moscow wants to show that it remains a player in the diplomacy over the peninsula.\n"
    "The talks in Hanoi broke down over how much sanctions relief the North would get for disarmament.\n"
)


@pytest.mark.parametrize("sentences", [2, 3, 4, 5])
def test_a_near_repeat_loses_to_any_other_sentence_at_every_length(sentences: int) -> None:
    chosen = [s.text for s in summarize(REPEATING, length={"sentences": sentences}).sentences]
    repeats = [c for c in chosen if c.startswith(("North Korean leader", "North Korea confirmed"))]
    assert len(repeats) == 1, chosen


@pytest.mark.parametrize("depth", [1, 3])
def test_repeats_are_ranked_last_only_when_nothing_else_is_left(depth: int) -> None:
    doc = build_document("The council approved the new city budget on Monday night.\n"
                  "The council approved the new city budget on Monday.\n"
                  "Residents complained about the cuts to the libraries.\n")
    relevance = np.array([1.0, 0.9, 0.1])
    scores = mmr_scores(relevance, sp.csr_matrix(np.eye(3)), depth=depth, bigrams=newsrank.Bigrams(doc))
    assert list(np.argsort(-scores)) == [0, 2, 1]

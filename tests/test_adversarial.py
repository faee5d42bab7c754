"""The adversarial corpus: real BBC articles with boilerplate of every family inserted in every
position. No extractive method selects boilerplate (or a sentence starting with it), and no
sentence of the article is removed or changed."""

from __future__ import annotations

import random

import pytest
from adversarial import FAMILIES, POSITIONS, make_case

from summarizers import build_document, default_registry, summarize

EXTRACTIVE = [m.name for m in default_registry() if m.kind == "extractive"]


def _articles(bbc_articles: list[dict], count: int, seed: int) -> list[dict]:
    # one topic after another, so that every topic is in even a small sample
    rng = random.Random(seed)
    by_topic: dict[str, list[dict]] = {}
    for record in bbc_articles:
        by_topic.setdefault(record["topic"], []).append(record)
    topics = sorted(by_topic)
    return [rng.choice(by_topic[topics[i % len(topics)]]) for i in range(count)]


def _check(text: str, pieces: tuple[str, ...], article_sentences: list[str]) -> list[str]:
    """The candidate sentences of ``text``, after checking them against the inserted pieces."""
    doc = build_document(text)
    candidates = [s.text for s in doc.sentences]
    for sentence in candidates:
        for piece in pieces:
            assert piece not in sentence, (piece, sentence)
    missing = [s for s in article_sentences if s not in candidates]
    assert not missing, (missing, [(r.reason, r.text) for r in doc.removed])
    return candidates


@pytest.mark.slow
@pytest.mark.parametrize("position", POSITIONS)
def test_no_article_sentence_is_removed_and_no_boilerplate_kept(bbc_articles: list[dict], position: str) -> None:
    for n, record in enumerate(_articles(bbc_articles, 12, seed=len(position))):
        paragraphs = record["document"].split("\n")
        # the article's own sentences as the multi-line form gives them (joined: one line)
        source = " ".join(paragraphs) if position == "one_line" else record["document"]
        article = [s.text for s in build_document(source).sentences]
        case = make_case(paragraphs, position, seed=n)
        _check(case.text, case.pieces, article)


@pytest.mark.slow
@pytest.mark.parametrize("position", POSITIONS)
def test_no_method_selects_boilerplate(bbc_articles: list[dict], position: str) -> None:
    record = _articles(bbc_articles, 1, seed=3)[0]
    case = make_case(record["document"].split("\n"), position, seed=11)
    for method in EXTRACTIVE:
        result = summarize(case.text, method=method, length={"ratio": 0.5})
        assert result.sentences, method
        for s in result.sentences:
            assert case.text[s.start:s.end] == s.text
            for piece in case.pieces:
                assert piece not in s.text, (method, piece, s.text)
                assert not s.text.startswith(piece.split()[0] + " " + piece.split()[-1]), (method, s.text)


def test_every_family_is_in_the_corpus() -> None:
    assert len(FAMILIES) >= 12
    for position in POSITIONS:
        case = make_case(["First paragraph here.", "Second one follows it."], position, seed=1)
        assert all(p in case.text for p in case.pieces)

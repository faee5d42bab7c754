"""ROUGE scoring: hand-checked cases, agreement with direct rouge-score calls, Lsum, Unicode."""

from __future__ import annotations

import pytest
from rouge_score import rouge_scorer

from summarizers_eval.scoring import ROUGE_TYPES, RougeEvaluator, ScorerConfig, UnicodeTokenizer, one_sentence_per_line


@pytest.fixture(scope="module")
def evaluator() -> RougeEvaluator:
    return RougeEvaluator()


def test_hand_checked_ngrams_and_lcs(evaluator: RougeEvaluator) -> None:
    s = evaluator.score(["the cat sat on a mat"], "the cat sat on the mat")
    # unigrams: the (clipped to 1), cat, sat, on, mat = 5 of 6 on both sides
    assert s["rouge1"].precision == pytest.approx(5 / 6)
    assert s["rouge1"].recall == pytest.approx(5 / 6)
    # bigrams: the-cat, cat-sat, sat-on match; on-the/the-mat vs on-a/a-mat do not
    assert s["rouge2"].fmeasure == pytest.approx(3 / 5)
    # longest common subsequence: the cat sat on mat
    assert s["rougeL"].fmeasure == pytest.approx(5 / 6)


def test_stemming_is_on(evaluator: RougeEvaluator) -> None:
    s = evaluator.score(["the dog runs"], "running dogs")
    # running -> run, dogs -> dog, runs -> run: 2 of 2 predicted, 2 of 3 reference tokens
    assert s["rouge1"].precision == pytest.approx(1.0)
    assert s["rouge1"].recall == pytest.approx(2 / 3)
    assert s["rouge1"].fmeasure == pytest.approx(0.8)


def test_lsum_splits_sentences_one_per_line(evaluator: RougeEvaluator) -> None:
    reference, prediction = "Dee eee fff. Aaa bbb ccc.", "Aaa bbb ccc. Dee eee fff."
    assert evaluator.normalize(prediction) == "Aaa bbb ccc.\nDee eee fff."
    s = evaluator.score([reference], prediction)
    assert s["rougeL"].fmeasure == pytest.approx(0.5)  # one LCS over the whole text: 3 of 6
    assert s["rougeLsum"].fmeasure == pytest.approx(1.0)  # union LCS per reference sentence


def test_lsum_keeps_existing_lines_apart() -> None:
    assert one_sentence_per_line("One line without stop\nTwo. Three.") == "One line without stop\nTwo.\nThree."


def test_multi_reference_takes_best_f1_per_type(evaluator: RougeEvaluator) -> None:
    refs = ["Completely unrelated words here.", "The cat sat on a mat."]
    multi = evaluator.score(refs, "The cat sat on the mat.")
    single = evaluator.score([refs[1]], "The cat sat on the mat.")
    assert multi == single
    # per type: R-1 prefers the reference with more shared words, R-2 the one with the bigram
    refs = ["alpha gamma epsilon omega", "alpha beta kappa lambda mu nu sigma tau"]
    pred = "alpha beta gamma delta epsilon"
    s = evaluator.score(refs, pred)
    by_ref = [evaluator.score([r], pred) for r in refs]
    for rouge in ROUGE_TYPES:
        assert s[rouge].fmeasure == max(b[rouge].fmeasure for b in by_ref)
    assert s["rouge1"].fmeasure == by_ref[0]["rouge1"].fmeasure
    assert s["rouge2"].fmeasure == by_ref[1]["rouge2"].fmeasure


def test_agrees_with_direct_rouge_score_calls(evaluator: RougeEvaluator) -> None:
    refs = ["Quarterly profits jumped 76% to $1.13bn. The firm benefited from higher advert sales!",
            "Profits rose sharply. Sales of high-speed connections helped."]
    pred = "The firm, one of the biggest investors in Google, benefited from sales. Profits jumped 76%."
    direct = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True).score_multi(
        ["\n".join(one_sentence_per_line(r).split("\n")) for r in refs], one_sentence_per_line(pred))
    ours = evaluator.score_dict(refs, pred)
    for rouge in ROUGE_TYPES:
        for part, value in zip(("precision", "recall", "fmeasure"), direct[rouge], strict=True):
            assert ours[rouge][part] == pytest.approx(value, abs=1e-12)
    # R-1/R-2/R-L do not depend on the line breaks
    plain = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True).score_multi(refs, pred)
    for rouge in ("rouge1", "rouge2", "rougeL"):
        assert ours[rouge]["fmeasure"] == pytest.approx(plain[rouge].fmeasure, abs=1e-12)


def test_empty_prediction_scores_zero(evaluator: RougeEvaluator) -> None:
    assert all(v.fmeasure == 0 for v in evaluator.score(["Some words."], "").values())


def test_unicode_tokenizer_scores_non_latin_text() -> None:
    text = "Москва — столица России. Город основан давно."
    default = RougeEvaluator(ScorerConfig(language="russian"))
    unicode = RougeEvaluator(ScorerConfig(language="russian", tokenizer="unicode"))
    assert default.score([text], text)["rouge1"].fmeasure == 0.0
    assert unicode.score([text], text)["rouge1"].fmeasure == pytest.approx(1.0)
    partial = unicode.score([text], "Москва — столица.")["rouge1"]
    assert 0 < partial.fmeasure < 1


def test_unicode_tokenizer_tokens() -> None:
    tok = UnicodeTokenizer()
    assert tok.tokenize("Ελλάδα, 2024: Καλημέρα!") == ["ελλάδα", "2024", "καλημέρα"]
    assert tok.tokenize("我爱北京 ok") == ["我", "爱", "北", "京", "ok"]
    assert UnicodeTokenizer(lambda w: w[:4]).tokenize("running dog") == ["runn", "dog"]


def test_unknown_tokenizer_and_no_reference() -> None:
    with pytest.raises(ValueError, match="unknown tokenizer"):
        RougeEvaluator(ScorerConfig(tokenizer="spaces"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reference"):
        RougeEvaluator().score([], "text")

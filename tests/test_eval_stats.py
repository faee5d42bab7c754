"""The seeded bootstrap, the paired test, and the greedy extractive oracle."""

from __future__ import annotations

import numpy as np
import pytest
from rouge_score import tokenizers

from summarizers import InvalidInput, Length
from summarizers_eval.bootstrap import bootstrap_ci, paired_bootstrap
from summarizers_eval.oracle import greedy_oracle, ngram_f1, ngrams, oracle_summary
from summarizers_eval.scoring import RougeEvaluator


def test_bootstrap_is_seeded_and_brackets_the_mean() -> None:
    values = np.random.default_rng(1).random(200)
    a = bootstrap_ci(values, seed=3)
    assert a == bootstrap_ci(values, seed=3)
    assert a != bootstrap_ci(values, seed=4)
    assert a.low < a.mean < a.high and a.mean == pytest.approx(values.mean())
    # roughly mean ± 1.96 standard errors
    se = values.std(ddof=1) / np.sqrt(len(values))
    assert a.high - a.low == pytest.approx(2 * 1.96 * se, rel=0.15)


def test_bootstrap_of_constant_values_and_bad_input() -> None:
    c = bootstrap_ci([0.5] * 10)
    assert (c.mean, c.low, c.high) == (0.5, 0.5, 0.5)
    with pytest.raises(ValueError):
        bootstrap_ci([])
    with pytest.raises(ValueError):
        bootstrap_ci([1.0], confidence=1.5)


def test_paired_bootstrap() -> None:
    rng = np.random.default_rng(0)
    a = rng.random(300)
    better = paired_bootstrap(a + 0.05 + rng.normal(0, 0.01, 300), a)
    assert better.difference == pytest.approx(0.05, abs=0.005)
    assert better.p_value < 0.01 and better.low > 0
    same = paired_bootstrap(a, a)
    assert same.difference == 0 and same.p_value == 1.0
    noise = paired_bootstrap(a + rng.normal(0, 0.1, 300), a + rng.normal(0, 0.1, 300), seed=5)
    assert noise.p_value > 0.05
    assert paired_bootstrap(a, a[::-1], seed=2) == paired_bootstrap(a, a[::-1], seed=2)
    with pytest.raises(ValueError, match="same length"):
        paired_bootstrap([1.0, 2.0], [1.0])


def test_ngram_f1_matches_rouge_score() -> None:
    tok = tokenizers.DefaultTokenizer(True)
    ref, pred = tok.tokenize("the cat sat on a mat"), tok.tokenize("the cat sat on the mat")
    assert ngram_f1(ngrams(ref, 1), ngrams(pred, 1)) == pytest.approx(5 / 6)
    assert ngram_f1(ngrams(ref, 2), ngrams(pred, 2)) == pytest.approx(3 / 5)
    assert ngram_f1(ngrams(ref, 2), ngrams([], 2)) == 0.0


def test_greedy_oracle_picks_the_reference_sentences() -> None:
    tok = tokenizers.DefaultTokenizer(True)
    sentences = ["Markets fell sharply on Monday.", "The weather was mild.", "Oil prices rose to a record.",
                 "A local team won."]
    result = greedy_oracle(sentences, ["Oil prices rose to a record as markets fell sharply."], tok,
                           max_sentences=3)
    assert result.indices == (0, 2)  # stops when no sentence adds ROUGE; keeps document order
    assert result.summary == "Markets fell sharply on Monday. Oil prices rose to a record."
    assert greedy_oracle(sentences, ["Oil prices rose."], tok, max_sentences=1).indices == (2,)
    assert greedy_oracle(sentences, ["Oil prices rose to a record as markets fell sharply."], tok,
                         max_words=7).indices == (2,)  # the 5-word sentence no longer fits
    # with two references the better one counts
    two = greedy_oracle(sentences, ["Nothing in common at all.", "The weather was mild."], tok)
    assert two.indices == (1,) and two.objective == pytest.approx(1.0)


def test_oracle_beats_every_single_choice_and_uses_library_sentences() -> None:
    evaluator = RougeEvaluator()
    doc = ("Stocks tumbled Wednesday\n"  # a headline: never a candidate
           "Stocks tumbled on Wednesday after weak data. Investors sold banks. Bond yields fell.\n"
           "Analysts expect more volatility. The central bank meets next week.")
    ref = "Stocks fell after weak data and bond yields fell. The central bank meets next week."
    result = oracle_summary(doc, [ref], evaluator.tokenizer, Length(sentences=2))
    assert len(result.indices) == 2 and "Stocks tumbled Wednesday\n" not in result.summary
    oracle_r1 = evaluator.score([ref], result.summary)["rouge1"].fmeasure
    for sentence in ["Investors sold banks.", "Analysts expect more volatility."]:
        assert evaluator.score([ref], sentence)["rouge1"].fmeasure < oracle_r1
    with pytest.raises(InvalidInput):
        oracle_summary("   ", [ref], evaluator.tokenizer, Length())

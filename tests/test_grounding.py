"""Grounding: number/date/name/quote/negation checks, alignment and the faithfulness score."""

from __future__ import annotations

import pytest

from summarizers import InvalidInput, UnsupportedLanguage, build_index, check_faithfulness
from summarizers.grounding.facts import dates, numbers
from summarizers.grounding.tokens import tokenize

ARTICLE = (
    "A Los Angeles judge on Tuesday ordered V. Stiviano to pay back $2,630,000 in gifts.\n"
    "The Clippers were sold in 2014 for two billion dollars, a 40% premium.\n"
    '"This is a victory for the family," attorney Pierce O\'Donnell said.\n'
    "Stiviano did not appeal the ruling. Three cars were returned on March 3."
)


def unsupported(summary: str, source: str = ARTICLE) -> list[tuple[str, str]]:
    report = check_faithfulness(summary, source)
    return [(u.kind, u.text) for s in report.sentences for u in s.unsupported]


def values(text: str) -> list[float]:
    return [f.key[0] for f in numbers(text, tokenize(text))]


@pytest.mark.parametrize(("text", "value"), [
    ("$1.2bn", 1.2e9), ("$ 1.2 billion", 1.2e9), ("1,200 million", 1.2e9), ("40%", 40.0),
    ("40 per cent", 40.0), ("40 percent", 40.0), ("three", 3.0), ("twenty five", 25.0),
    ("two million", 2e6), ("2.6m", 2.6e6), ("2,630,000", 2.63e6),
])
def test_numbers_are_normalised(text: str, value: float) -> None:
    assert values(text) == [pytest.approx(value)]


def test_years_are_dates_and_a_lone_one_is_no_number() -> None:
    text = "In 2014 one of the 3 men left on 12 March."
    assert values(text) == [3.0, 12.0]
    assert [f.key for f in dates(tokenize(text))] == [("year", 2014), ("month", 3, 12)]


def test_supported_summary_has_no_flags_and_a_high_score() -> None:
    summary = "A judge ordered Stiviano to pay back $2.6 million in gifts. Stiviano did not appeal."
    report = check_faithfulness(summary, ARTICLE)
    assert unsupported(summary) == []
    assert report.score > 0.5
    assert sum(report.counts.values()) == 0


@pytest.mark.parametrize(("summary", "flag"), [
    ("The Clippers were sold for $3bn.", ("number", "$3bn")),
    ("The Clippers were sold for two billion dollars, a 50 per cent premium.", ("number", "50 per cent")),
    ("The judge ruled on Monday that Stiviano must pay back the gifts.", ("date", "Monday")),
    ("The Clippers were sold in 2015 for two billion dollars.", ("date", "2015")),
    ("Three cars were returned on March 4.", ("date", "March 4")),
    ("A judge in Los Angeles ordered Rochelle Sterling to pay back the gifts.", ("entity", "Rochelle Sterling")),
    ('Attorney Pierce O\'Donnell said: "This is a great day for us."', ("quote", "This is a great day for us.")),
    ("Stiviano then appealed the ruling.", ("negation", "appealed")),
    ("The judge did not order Stiviano to pay back the gifts.", ("negation", "not")),
])
def test_unsupported_items_are_flagged(summary: str, flag: tuple[str, str]) -> None:
    assert flag in unsupported(summary)


def test_rounded_and_spelled_out_figures_match_the_source() -> None:
    assert unsupported("The Clippers were sold for $2bn, a 40 per cent premium.") == []
    assert unsupported("Stiviano must pay back $2.6m in gifts.") == []
    assert unsupported("3 cars were returned.") == []


def test_names_match_case_insensitively_and_lower_cased_text_has_a_fallback() -> None:
    assert unsupported("a los angeles judge ordered v. stiviano to pay back the gifts .") == []
    flagged = unsupported("the judge ordered rochelle stiviano to pay back the gifts , said pierce o'donnell .")
    assert ("entity", "rochelle stiviano") in flagged


def test_offsets_index_the_summary_and_support_indexes_the_source() -> None:
    summary = "Intro line.\nThe Clippers were sold in 2015 for two billion dollars."
    report = check_faithfulness(summary, ARTICLE)
    sentence = report.sentences[-1]
    assert summary[sentence.start:sentence.end] == sentence.text
    (item,) = sentence.unsupported
    assert summary[item.start:item.end] == "2015"
    (support,) = sentence.support
    assert ARTICLE[support.start:support.end].startswith("The Clippers were sold in 2014")
    assert 0 < support.score <= 1


def test_a_fused_sentence_is_supported_by_two_adjacent_sentences() -> None:
    summary = "Stiviano did not appeal, and three cars were returned on March 3."
    (sentence,) = check_faithfulness(summary, ARTICLE).sentences
    starts = [ARTICLE[s.start:s.end][:12] for s in sentence.support]
    assert starts == ["Stiviano did", "Three cars w"]


def test_the_score_orders_faithful_above_invented_summaries() -> None:
    faithful = check_faithfulness("A judge ordered Stiviano to pay back the gifts.", ARTICLE).score
    invented = check_faithfulness("Donald Trump bought the Lakers for $5bn in 2019.", ARTICLE).score
    unrelated = check_faithfulness("Scientists discovered water on a distant planet.", ARTICLE).score
    assert 0 <= invented <= unrelated < faithful <= 1
    counts = check_faithfulness("Donald Trump bought the Lakers for $5bn in 2019.", ARTICLE).counts
    assert counts == {"number": 1, "date": 1, "entity": 2, "quote": 0, "negation": 0}


def test_index_is_reused_and_inputs_are_checked() -> None:
    index = build_index(ARTICLE, "english")
    assert build_index(ARTICLE, "english") is index
    assert check_faithfulness("Three cars were returned.", index).score == \
        check_faithfulness("Three cars were returned.", ARTICLE).score
    assert check_faithfulness("", ARTICLE).sentences == ()
    with pytest.raises(InvalidInput):
        check_faithfulness("A summary.", b"\xff\xfe")
    with pytest.raises(UnsupportedLanguage):
        check_faithfulness("A summary.", ARTICLE, language="klingon")


def test_report_to_dict_follows_the_result_contract() -> None:
    data = check_faithfulness("The Clippers were sold in 2015.", ARTICLE).to_dict()
    assert set(data) == {"score", "counts", "sentences"}
    assert set(data["counts"]) == {"number", "date", "entity", "quote", "negation"}
    sentence = data["sentences"][0]
    assert set(sentence["support"][0]) == {"start", "end", "score"}
    assert set(sentence["unsupported"][0]) == {"kind", "text", "start", "end"}


def test_tokenized_text_checks_like_raw_text() -> None:
    source = "Sterling 's wife sued her . She did n't sign the $ 2,630,000 deal , the judge said on Tuesday ."
    assert unsupported("Sterling's wife sued her. She didn't sign the $2.6m deal, the judge said on Tuesday.",
                       source) == []
    assert unsupported("Sterling 's wife sued her . She signed the $ 2,630,000 deal , the judge said .",
                       source) == [("negation", "signed")]

"""Boilerplate, headlines and datelines: recognised, reported, never summarized."""

from __future__ import annotations

import random
import re

import pytest

from summarizers import build_document, default_registry, summarize
from summarizers.text.boilerplate import boilerplate_reason, dateline_length, glued_infixes, load_rules

EXTRACTIVE = [m.name for m in default_registry() if m.kind == "extractive"]

BOILERPLATE = {
    "Please enter your comment!": "comment_form",
    "Please enter your name here": "comment_form",
    "Leave a Reply": "comment_form",
    "You must be logged in to post a comment.": "comment_form",
    "Subcribe to The Jewish Link Eblast": "newsletter",
    "Subscribe to our daily newsletter": "newsletter",
    "Sign up for our newsletter and get the news delivered to your inbox.": "newsletter",
    "Kim departs Dong Dang railway station. (AP Photo/Minh Hoang)": "caption",
    "A protester holds a sign in Hong Kong (Reuters/Tyrone Siu)": "caption",
    "In this March 2, 2019, photo, Kim Jong Un prepares to depart.": "caption",
    "Photo: Getty Images": "caption",
    "By Danielle Wallace, FOSTER KLUG | Fox News": "byline",
    "Published: March 3, 2019": "byline",
    "Tuesday, 23 April 2019 10:32 GMT": "dateline",
    "The Associated Press contributed to this report.": "credit",
    "Reporting by Jane Doe; Editing by John Roe": "credit",
    "Copyright 2019 The Associated Press. All rights reserved.": "credit",
    "Scroll down for video": "video",
    "Share this article": "share",
    "Facebook | Twitter | Email": "share",
    "Advertisement": "advert",
    "Story continues below advertisement": "advert",
    "Read more: Why the summit failed": "navigation",
    "Click here to see the full gallery": "navigation",
    "FILE - In this Jan. 5, 2019, file photo, President Trump speaks in Washington.": "caption",
    "You have entered an incorrect email address!": "comment_form",
    "Image caption Mr Kim arrived by train": "caption",
    "Media playback is unsupported on your device": "caption",
    "Follow @bbcnews on Twitter": "share",
    "Click to share on Twitter (Opens in new window)": "share",
    "WATCH: Kim arrives in Russia": "video",
    "This article originally appeared on The Conversation.": "credit",
    "Want more stories like this? Sign up here.": "newsletter",
    "Tags: North Korea, Russia": "navigation",
    "CLICK HERE TO GET THE FOX NEWS APP": "app",
}

NOT_BOILERPLATE = [
    "By 2020, the company expects profits to double.",
    "Mr Elgindy then drove share prices lower by spreading negative publicity via his newsletter.",
    "But more awareness is needed, said the US Environmental Protection Agency (EPA).",
    "Compiled by Central Banking Publications, the survey ranks central banks.",
    "Shares in the firm rose 5% after the report was published.",
    "Readers can leave comments on the site, the editor said.",
    "The photo was taken in 1969 by an amateur.",
    "Comments by the minister angered the unions.",
    "Watch manufacturers reported record sales in Switzerland.",
    "File-sharing networks were blamed for the fall in sales.",
]


@pytest.mark.parametrize(("line", "reason"), BOILERPLATE.items())
def test_boilerplate_lines_are_recognised(line: str, reason: str) -> None:
    assert boilerplate_reason(line) == reason


@pytest.mark.parametrize("line", NOT_BOILERPLATE)
def test_article_sentences_are_kept(line: str) -> None:
    assert boilerplate_reason(line) is None


@pytest.mark.parametrize(
    ("sentence", "dateline"),
    [
        ("SEOUL, South Korea – North Korea's leader will visit.", "SEOUL, South Korea – "),
        ("WASHINGTON (Reuters) - The Senate voted on Monday.", "WASHINGTON (Reuters) - "),
        ("LONDON — Shares fell.", "LONDON — "),
        ("(AP) — The storm hit land.", "(AP) — "),
        ("US - China talks resumed on Monday.", ""),
        ("The price - a record - was paid.", ""),
    ],
)
def test_datelines(sentence: str, dateline: str) -> None:
    assert sentence[: dateline_length(sentence)] == dateline


def test_sample_page_is_cleaned(sample_article: str) -> None:
    doc = build_document(sample_article)
    assert doc.headline is not None
    assert doc.headline.text == "North Korea leader Kim to meet with Putin in Russia, report says"
    reasons = {r.reason for r in doc.removed}
    assert {"boilerplate:caption", "boilerplate:byline", "boilerplate:newsletter", "boilerplate:credit",
            "boilerplate:comment_form", "dateline"} <= reasons
    for r in doc.removed:
        assert sample_article[r.start:r.end] == r.text
    for s in doc.sentences:
        assert boilerplate_reason(s.text) is None
        assert not s.text.startswith("SEOUL")


@pytest.mark.parametrize("method", EXTRACTIVE)
def test_no_method_selects_boilerplate_of_the_sample(sample_article: str, method: str) -> None:
    doc = build_document(sample_article)
    excluded = [(r.start, r.end) for r in doc.removed] + [(doc.headline.start, doc.headline.end)]
    result = summarize(sample_article, method=method, length={"sentences": 3})
    assert len(result.sentences) == 3
    assert result.headline is not None and result.headline.text == doc.headline.text
    for s in result.sentences:
        assert sample_article[s.start:s.end] == s.text
        assert all(s.end <= a or s.start >= b for a, b in excluded), s.text


def test_title_option_marks_a_repeated_headline() -> None:
    text = "Markets rally on rate cut.\nShares rose sharply on Monday. Bonds fell. Oil was flat."
    doc = build_document(text, title="Markets rally on rate cut")
    assert doc.headline is not None and doc.headline.text == "Markets rally on rate cut."
    assert [s.text for s in doc.sentences] == ["Shares rose sharply on Monday.", "Bonds fell.", "Oil was flat."]


def test_bullets_are_content_without_their_marker() -> None:
    text = "The budget was announced on Monday.\n- Raised the tax threshold to 100,000 rupees\n- Cut duties"
    doc = build_document(text)
    assert [s.text for s in doc.sentences] == [
        "The budget was announced on Monday.", "Raised the tax threshold to 100,000 rupees", "Cut duties"]


def test_short_unpunctuated_lines_only_text_is_still_summarized() -> None:
    doc = build_document("Premier League fixtures\nArsenal v Chelsea\nLiverpool v Everton")
    assert doc.headline is not None and doc.headline.text == "Premier League fixtures"
    assert [s.text for s in doc.sentences] == ["Arsenal v Chelsea", "Liverpool v Everton"]


INJECTED = [
    "Please enter your comment!", "Subscribe to our newsletter", "Scroll down for video",
    "Share this article", "Advertisement", "By John Smith | BBC News",
    "In this Sunday, May 5, 2019, photo, a fan waves a flag before the match. (AP Photo/Jane Doe)",
    "Reuters contributed to this report.", "Read more: The week in pictures",
]


@pytest.mark.slow
def test_boilerplate_injected_into_real_articles_is_never_selected(bbc_articles: list[dict]) -> None:
    """Real BBC articles with a headline and boilerplate lines added: no method selects them."""
    rng = random.Random(7)
    methods = EXTRACTIVE
    for record in rng.sample(bbc_articles, 40):
        paragraphs = record["document"].split("\n")
        for line in rng.sample(INJECTED, 4):
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), line)
        text = record["title"] + "\n\n" + "\n".join(paragraphs)
        injected = [(text.index(line), text.index(line) + len(line)) for line in INJECTED if line in text]
        for method in methods:
            result = summarize(text, method=method, length={"sentences": 3})
            assert result.headline is not None and result.headline.text == record["title"]
            for s in result.sentences:
                assert text[s.start:s.end] == s.text
                assert all(s.end <= a or s.start >= b for a, b in injected), (method, s.text)


def test_glued_infixes_find_the_shortest_label_between_two_sentences() -> None:
    sentence = "Officials said the plan would cut spending More stories Read more The vote is due next week."
    families = frozenset({"navigation"})
    found = [(sentence[a:b], reason) for a, b, reason in glued_infixes(sentence, families, 5)]
    assert found == [("More stories", "navigation"), ("Read more", "navigation")]
    assert list(glued_infixes(sentence, frozenset({"share"}), 5)) == []  # another family
    assert list(glued_infixes("Said More stories The vote is due next week.", families, 5)) == []  # no head


def test_rules_file_format_continuations_fragments_and_errors() -> None:
    rules = load_rules("# a comment\n\nnews 12 i ^sign\\s+up\n    (now|{X})\ncredit - - ^By\\b\n", {"X": "today"})
    assert [(r, p.pattern, p.flags & re.IGNORECASE, m) for r, p, m in rules] == [
        ("news", r"^sign\s+up(now|today)", re.IGNORECASE, 12), ("credit", r"^By\b", 0, None)]
    with pytest.raises(ValueError, match="line 1"):
        load_rules("news twelve i ^x\n", {})
    with pytest.raises(KeyError):
        load_rules("news 1 i {NOPE}\n", {})

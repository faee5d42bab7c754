"""The digest's pure pieces on small synthetic articles: near-duplicates, grouping, ranking,
offsets, no repeats across stories, records, renderers; and one CLI run in-process."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from summarizers import Registry, default_registry
from summarizers.cli.main import main
from summarizers.digest import render_html, render_markdown, summarize_digest
from summarizers.digest.build import make_plan, run_digest
from summarizers.digest.dedup import duplicate_sets, signature
from summarizers.digest.grouping import average_link
from summarizers.digest.ranking import _mmr
from summarizers.digest.repeats import RepeatIndex, bigrams, overlap_f1
from summarizers.digest.worker import DigestWorker, registry_of
from summarizers.engine.pool import LocalPool
from summarizers.errors import InvalidInput, InvalidLength, UnsupportedLanguage
from summarizers.request import parse_published
from summarizers.text.openers import leans_back

FLOOD = [
    "Heavy rain flooded the river town of Elmford on Monday, forcing 3,000 residents to leave their homes.",
    "Emergency crews from Carlow County used boats to reach families trapped on rooftops near the Elm river.",
    "The mayor of Elmford, Ruth Okafor, said the water rose two metres in six hours overnight.",
    "Forecasters expect more rain on Tuesday and warned that the Elm river could rise further.",
    "Schools in Elmford will stay closed until Thursday while engineers inspect the bridges.",
]
BUDGET = [
    "The finance minister, Paolo Brandt, presented a budget on Monday that cuts income tax by two percent.",
    "Opposition leaders said the budget of Brandt would widen the deficit to 4 percent of output.",
    "Brandt told parliament the tax cuts would be paid for by lower spending on defence procurement.",
    "Economists at Northbank said the budget plan relied on optimistic growth forecasts for next year.",
    "Parliament will vote on the budget of Paolo Brandt next week after three days of debate.",
]
MATCH = [
    "Riverside United beat Castle Rovers 3-1 on Saturday to top the league for the first time since 1998.",
    "Striker Jonas Lind scored twice for Riverside in the second half in front of 40,000 fans.",
    "Castle Rovers manager Helen Price said her team had lost its shape after the first goal.",
    "Riverside United now lead the table by two points with six league matches left to play.",
    "Lind has scored 19 goals this season, the most of any Riverside striker in a decade.",
]


def _reword(sentences: list[str], own: str) -> str:
    """Another outlet's article on the same event: two of the facts, and one of its own."""
    return "\n\n".join([sentences[2], own, sentences[3]])


def _articles() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    own = {"flood": "Volunteers in Elmford handed out blankets and hot meals at the sports hall all night.",
           "budget": "Brandt's plan also raises the tax on tobacco and extends the rail investment fund.",
           "match": "Fans of Riverside United celebrated in the town square long after the final whistle."}
    for name, story in (("flood", FLOOD), ("budget", BUDGET), ("match", MATCH)):
        out.append({"id": f"{name}-a", "title": f"{name} report", "source": "Alpha", "text": "\n\n".join(story),
                    "published": "2026-03-02T08:00:00Z"})
        out.append({"id": f"{name}-b", "source": "Beta", "text": _reword(story, own[name]), "published": "2026-03-02"})
    copy = "ELMFORD (Wire) - " + "\n\n".join(FLOOD[:4]) + "\n\n(Reporting by Wire staff.)"
    out.append({"id": "flood-copy", "title": "Town flooded", "source": "Gamma", "text": copy})
    return out


def test_near_duplicates_are_found_and_distinct_articles_are_not() -> None:
    words = " ".join(FLOOD).split()
    copy = ["ELMFORD", "(Wire)", "-", *words[:-12], "Reporting", "by", "Wire", "staff."]
    other = " ".join(BUDGET).split()
    half = words[: len(words) // 2]  # a copy cut in half: contained in the original
    roots = duplicate_sets([signature(words), signature(other), signature(copy), signature(half)])
    assert roots == [0, 1, 0, 0]


def test_average_link_joins_close_items_only() -> None:
    similarities = {(0, 1): 0.5, (1, 2): 0.4, (0, 2): 0.3, (2, 3): 0.05, (3, 4): 0.6}
    assert average_link(5, similarities, threshold=0.1) == [0, 0, 0, 3, 3]
    assert average_link(5, {}, threshold=0.1) == [0, 1, 2, 3, 4]


def test_mmr_multiplies_relevance_by_novelty() -> None:
    similar = np.array([[0.0, 0.5, 0.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])
    order, gains = _mmr(np.array([1.0, 0.9, 0.5]), similar)
    # once the first is taken its paraphrase keeps (1 - 0.5)^2 of 0.9, so the fresh sentence comes
    # first (the former 0.9 - 0.7 x 0.5 = 0.55 put the paraphrase before it)
    assert order == [0, 2, 1] and gains == pytest.approx([1.0, 0.5, 0.225])
    # a cosine rounded above 1 leaves nothing, never a reward
    assert _mmr(np.array([1.0, 1.0]), np.array([[0.0, 1 + 1e-12], [1 + 1e-12, 0.0]]))[1] == [1.0, 0.0]


def test_repeats_use_bigram_f1() -> None:
    a = bigrams("The river rose two metres overnight in Elmford")
    assert overlap_f1(a, a) == pytest.approx(1.0)
    index = RepeatIndex()
    index.add(a)
    assert index.repeats(bigrams("the river rose two metres overnight in the town of Elmford"))
    assert not index.repeats(bigrams("Parliament will vote on the budget next week"))


def test_published_accepts_iso_dates_and_refuses_the_rest() -> None:
    assert parse_published("2026-03-02") == parse_published("2026-03-02T00:00:00Z")
    assert parse_published(None) is None
    with pytest.raises(InvalidInput):
        parse_published("last Monday")


def test_digest_groups_stories_merges_copies_and_never_repeats() -> None:
    records = [*_articles(), {"id": "empty", "text": "   "}, {"id": "flood-a", "text": "a reused id."}]
    digest = summarize_digest(records, length={"sentences": 3})
    stories = {frozenset(s.documents) for s in digest.stories}
    assert stories == {frozenset({"flood-a", "flood-b", "flood-copy"}), frozenset({"budget-a", "budget-b"}),
                       frozenset({"match-a", "match-b"})}
    assert digest.stories[0].documents == ("flood-a", "flood-b", "flood-copy")  # most articles and sources
    assert [d.to_dict() for d in digest.stories[0].duplicates] == [{"id": "flood-copy", "of": "flood-a"}]
    texts = {r["id"]: r["text"] for r in _articles()}
    seen: list[str] = []
    for story in digest.stories:
        assert 1 <= len(story.sentences) <= 3
        for s in story.sentences:
            assert texts[s.document][s.start:s.end] == s.text  # the offsets slice back
            assert all(overlap_f1(bigrams(s.text), bigrams(t)) < 0.5 for t in seen)
            seen.append(s.text)
    assert {e.id for e in digest.errors} == {"empty", "flood-a"}
    assert all(e.error["code"] == "invalid_input" for e in digest.errors)
    shape = digest.to_dict()
    assert set(shape) == {"stories", "errors", "settings"}
    assert set(shape["stories"][0]) >= {"id", "headline", "summary", "sentences", "documents", "duplicates"}


def test_a_digest_of_a_few_articles_still_groups_the_reports_of_one_event() -> None:
    # among two or three articles, the words two of them share would have an IDF of about 0
    # (grouping.MIN_IDF_DOCUMENTS keeps them weighing as in a day's collection)
    by_id = {r["id"]: r for r in _articles()}
    for ids, expected in ((["flood-a", "flood-b"], 1), (["flood-a", "flood-b", "match-a"], 2),
                          (["flood-a", "budget-a"], 2), (["budget-a", "budget-b", "match-a", "match-b"], 2)):
        digest = summarize_digest([by_id[i] for i in ids], length={"sentences": 1})
        assert len(digest.stories) == expected, ids


def test_word_budget_and_group_by() -> None:
    records = [{**r, "feed": "all"} for r in _articles()]
    digest = summarize_digest(records, length={"words": 40}, group_by="feed")
    assert len(digest.stories) == 1 and len(digest.stories[0].documents) == len(records)
    assert sum(len(s.text.split()) for s in digest.stories[0].sentences) <= 40
    with pytest.raises(InvalidLength):
        summarize_digest(records, length={"ratio": 0.5})


def test_the_plan_is_prepared_once_and_workers_read_its_wire_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = default_registry(plugins=False)
    plan = make_plan(registry, "newsrank", {"sentences": 2}, "english", {"query": "flood"})
    assert plan.extractive == registry.prepare("newsrank", 2, "english", {"query": "flood"}).to_wire()
    assert plan.ranking == registry.prepare("newsrank", 2, "english").to_wire()  # no query: an article's own
    assert plan.abstractive is None
    json.dumps([plan.extractive, plan.ranking, dict(plan.settings)])  # plain values: any process reads them
    prepared: list[object] = []
    real = Registry.prepare

    def counting(self: Registry, *args: object, **kwargs: object) -> object:
        prepared.append(args)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Registry, "prepare", counting)
    german = {"id": "de", "language": "de", "text": "Der Rat tagte am Montag. Er beschloss den Haushalt."}
    records = [*_articles(), german]
    digest = run_digest(records, plan, LocalPool(partial(DigestWorker, plan, partial(registry_of, registry)), 1))
    assert len(digest.stories) == 4
    assert [args[2] for args in prepared] == ["de", "de"]  # only a record's own language is new to check
    with pytest.raises(UnsupportedLanguage):
        DigestWorker(plan, partial(registry_of, registry)).request("extractive", "klingon")


def test_renderers_escape_html() -> None:
    records = _articles()
    records[0] = {**records[0], "title": "<script>alert(1)</script> & more"}
    digest = summarize_digest(records)
    page = render_html(digest)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http" not in page.split("</head>")[0]  # no external asset
    markdown = render_markdown(digest)
    assert "<script>" not in markdown and "\\<script\\>" in markdown


def test_cli_digest_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in _articles()) + "not json\n", encoding="utf-8")
    out = tmp_path / "digest.json"
    status = main(["digest", str(source), "--out", str(out), "--sentences", "2", "--no-progress"])
    assert status == 1  # one refused record
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["stories"]) == 3 and data["errors"][0]["id"] == "line:8"
    assert data["settings"]["length"] == {"sentences": 2}
    assert "3 stories" in capsys.readouterr().err


@pytest.mark.slow
def test_abstractive_digest_rewrites_each_story_with_the_grounding_check(tiny_bart_dir: Path) -> None:
    from summarizers import Registry
    from summarizers.methods.abstractive.config import AbstractiveConfig
    from summarizers.methods.abstractive.method import AbstractiveMethod
    from summarizers.methods.newsrank import NewsRankMethod

    config = AbstractiveConfig.with_default(str(tiny_bart_dir), torch_threads=1)
    registry = Registry([NewsRankMethod(), AbstractiveMethod(config)])
    digest = summarize_digest(_articles(), method="abstractive", length={"words": 30},
                              options={"max_new_tokens": 12}, registry=registry)
    assert len(digest.stories) == 3 and digest.settings["ranking"] == "newsrank"
    for story in digest.stories:
        assert story.faithfulness is not None and "score" in story.faithfulness
        assert all(s.document is None or s.document in story.documents for s in story.sentences)


def test_sentences_that_lean_on_an_earlier_one_are_recognised() -> None:
    assert leans_back("It began last Thursday and will end today.", "en")
    assert leans_back("But the court refused.", "en") and leans_back("However, the vote was delayed.", "en")
    assert leans_back("Cependant, le vote a été reporté.", "fr") and leans_back("Aber das Gericht lehnte ab.", "de")
    assert not leans_back("There were 200 people at the hall.", "en")
    assert not leans_back("Italy won the match.", "en")  # a word, not a prefix
    assert not leans_back("It began last Thursday.", "cs")  # no list for the language: nothing leans


def test_a_story_prefers_a_standalone_sentence_to_one_that_leans_on_its_article() -> None:
    leaning = "It means the Elm river flood will keep the Elmford bridges closed to traffic for days."
    standalone = "Engineers said the Elm river flood will keep the Elmford bridges closed to traffic for days."
    records = [{"id": "a", "text": "\n\n".join([FLOOD[0], leaning]), "feed": "x"},
               {"id": "b", "text": "\n\n".join([FLOOD[1], standalone]), "feed": "x"}]
    texts = [s.text for s in summarize_digest(records, length={"sentences": 3}, group_by="feed").stories[0].sentences]
    assert standalone in texts and leaning not in texts

"""Query-focused summaries (``options.query``): the relevance module, the query-aware methods,
the refusals, and every surface (library, CLI, HTTP summarize, batch and jobs)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from service_helpers import error_of, make_app

from summarizers import Registry, summarize
from summarizers.cli.main import main as cli_main
from summarizers.document import build_document
from summarizers.errors import InvalidOption
from summarizers.methods.edmundson import EdmundsonMethod
from summarizers.methods.lead import LeadMethod
from summarizers.methods.newsrank import NewsRankMethod
from summarizers.methods.query import MAX_QUERY_CHARACTERS, query_terms, relevance
from summarizers.methods.sumy_methods import sumy_methods
from summarizers.registry import default_registry
from summarizers.text.language import get_language

BASELINE = Path(__file__).parent / "data" / "no_query_baseline.json"

#: A story whose lead is about one thing and whose later paragraphs are about another.
STORY = (
    "The city council approved its spending plan for next year after a long debate on Monday.\n"
    "Councillors argued for hours about the cost of new parks and the opening hours of libraries. "
    "The mayor said the plan was fair to every district and would keep taxes level.\n"
    "Road repairs will take a larger share of the money than they did last year. "
    "Several residents asked why the bus depot on the ring road had been left out of the plan.\n"
    "Flooding damaged dozens of homes near the river in March, and the council promised help. "
    "Engineers will now raise the flood walls along the river before the winter storms arrive. "
    "Families whose homes were flooded will get grants to repair cellars and replace boilers.\n"
    "The plan goes to a final vote in two weeks, and the opposition expects to lose it."
)
FLOOD_SENTENCES = {"Flooding damaged", "Engineers will", "Families whose"}


def registry() -> Registry:
    return Registry([NewsRankMethod(), LeadMethod(), *sumy_methods(), EdmundsonMethod()])


def starts(result: Any) -> set[str]:
    return {" ".join(s.text.split()[:2]) for s in result.sentences}


# --- the relevance module ---------------------------------------------------------------------


def test_relevance_is_in_unit_range_zero_without_shared_terms_and_expands_with_co_occurring_terms() -> None:
    sentences = [["flood", "river", "wall"], ["river", "wall", "engin"], ["wall", "engin", "raise"],
                 ["budget", "tax"], ["park", "librari"]]
    found = relevance(sentences, ["flood"])
    assert found.scores.max() == pytest.approx(1.0) and found.scores.min() >= 0
    assert int(np.argmax(found.scores)) == 0
    assert found.scores[3] == 0 and found.scores[4] == 0  # nothing in common with the query
    # "river" and "wall" co-occur with "flood": the second sentence is found without the query word.
    assert {"river", "wall"} <= set(found.expansion) and "flood" not in found.expansion
    assert found.scores[1] > 0 and found.scores[1] > found.scores[2] > 0
    assert found.terms == {"flood": 1.0}


def test_relevance_of_a_query_nothing_matches_is_zero_everywhere() -> None:
    found = relevance([["budget"], ["tax"]], ["zebra"])
    assert not found.matched and found.expansion == {} and found.scores.tolist() == [0.0, 0.0]
    assert not relevance([], ["zebra"]).matched


def test_query_terms_are_stemmed_without_stop_or_instruction_words() -> None:
    english = get_language("english")
    assert query_terms("Describe what is known about the floods.", english) == [english.stemmer("floods")]
    assert query_terms("What is it?", english) == []


def test_relevance_is_linear_in_the_input() -> None:
    import time

    def timed(copies: int) -> float:
        sentences = [["flood", "river", f"w{i % 997}", f"x{i % 13}"] for i in range(copies)]
        began = time.perf_counter()
        relevance(sentences, ["flood", "x3"])
        return time.perf_counter() - began

    timed(2000)
    small, large = min(timed(5000) for _ in range(2)), min(timed(50000) for _ in range(2))
    assert large < 30 * small  # ten times the input: about ten times the time, never a hundred


# --- the methods ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["newsrank", "lexrank", "textrank", "edmundson"])
def test_the_query_selects_the_sentences_about_it(method: str) -> None:
    plain = summarize(STORY, method=method, length={"sentences": 2}, registry=registry())
    focused = summarize(STORY, method=method, length={"sentences": 2}, options={"query": "floods"},
                        registry=registry())
    if method == "edmundson":  # cue words only (no expansion), next to the title and location methods
        assert len(starts(focused) & FLOOD_SENTENCES) > len(starts(plain) & FLOOD_SENTENCES)
    else:
        assert starts(focused) <= FLOOD_SENTENCES, starts(focused)
    assert starts(focused) != starts(plain)
    assert not focused.warnings
    for s in focused.sentences:
        assert STORY[s.start:s.end] == s.text


def test_a_short_query_finds_sentences_through_the_expansion() -> None:
    # "boilers" occurs once; its sentence's "homes" and "flooded" reach the other flood sentences.
    from summarizers.document import build_document
    from summarizers.methods.query import sentence_terms

    document = build_document(STORY, "english")
    found = relevance(sentence_terms(document), query_terms("boilers", document.language))
    assert {"home", "flood"} <= set(found.expansion)
    by_start = {" ".join(s.text.split()[:2]): v for s, v in zip(document.sentences, found.scores, strict=True)}
    assert by_start["Families whose"] == 1.0 and by_start["Flooding damaged"] > 0 and by_start["Engineers will"] > 0
    assert by_start["The city"] == 0 and by_start["The mayor"] == 0
    result = summarize(STORY, length={"sentences": 1}, options={"query": "boilers"}, registry=registry())
    assert result.sentences[0].text.startswith("Families whose")


def test_a_query_nothing_bears_on_changes_nothing_and_says_so() -> None:
    plain = summarize(STORY, registry=registry())
    for query, said in (("zebra crossings", "no sentence of the text bears on the query"),
                        ("what is it?", "has no content words")):
        result = summarize(STORY, options={"query": query}, registry=registry())
        assert [s.text for s in result.sentences] == [s.text for s in plain.sentences]
        assert len(result.warnings) == 1 and said in result.warnings[0]


def test_methods_without_a_query_variant_refuse_it_clearly() -> None:
    reg = registry()
    for method in ("lsa", "lead", "kl", "sumbasic", "luhn", "reduction", "random"):
        with pytest.raises(InvalidOption, match="does not take a query") as caught:
            reg.prepare(method, options={"query": "floods"})
        assert caught.value.field == "options.query"
        reg.prepare(method, options={"query": ""})  # an empty query is no query
    with pytest.raises(InvalidOption, match="fast implementation"):
        reg.prepare("lexrank", options={"query": "floods", "implementation": "sumy"})


def test_a_query_over_the_limit_is_refused_before_any_work() -> None:
    with pytest.raises(InvalidOption) as caught:
        registry().prepare("newsrank", options={"query": "flood " * (MAX_QUERY_CHARACTERS // 5 + 1)})
    assert caught.value.field == "options.query"
    assert caught.value.details["max_length"] == MAX_QUERY_CHARACTERS
    registry().prepare("newsrank", options={"query": "f" * MAX_QUERY_CHARACTERS})


@pytest.mark.slow
def test_without_a_query_every_output_is_what_the_code_gave_before_queries(bbc_articles: list[dict]) -> None:
    """The outputs of ten methods on six BBC articles, recorded from the code before query support
    (tests/data/no_query_baseline.json). Regenerate it only for a deliberate change of a method."""
    reg = default_registry(plugins=False)
    by_id = {r["id"]: r for r in bbc_articles}
    for case in json.loads(BASELINE.read_text(encoding="utf-8")):
        record = by_id[case["id"]]
        for extra in ({}, {"query": None}, {"query": " "}):
            options = {"all_sentences": True, "title": record["title"], **extra}
            if case["method"] not in ("newsrank", "lexrank", "textrank", "edmundson") and extra:
                continue
            data = summarize(record["document"], method=case["method"], length=case["length"],
                             options=options, registry=reg).to_dict()
            assert data["summary"] == case["summary"], (case["id"], case["method"])
            assert output_fingerprint(data) == case["sha256"], (case["id"], case["method"])


def output_fingerprint(data: dict) -> str:
    """The SHA-256 of a summary's outputs (texts, offsets, ranks, warnings, length), its scores
    rounded to 9 decimals: the last digits of a float differ between numpy/scipy builds (a fresh
    install resolves the newest), the ranking they give does not."""
    def rounded(value: object) -> object:
        if isinstance(value, float):
            return round(value, 9)
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rounded(v) for v in value]
        return value

    kept = {k: rounded(data[k]) for k in ("summary", "sentences", "all_sentences", "warnings", "length")}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# --- surfaces ---------------------------------------------------------------------------------


def test_cli_query_flag_on_text_and_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "story.txt"
    article.write_text(STORY, encoding="utf-8")
    assert cli_main(["text", str(article), "-n", "2", "--query", "floods", "--json"]) == 0
    assert {" ".join(s["text"].split()[:2]) for s in json.loads(capsys.readouterr().out)["sentences"]} \
        <= FLOOD_SENTENCES
    assert cli_main(["text", str(article), "--method", "lsa", "--query", "floods"]) == 1
    assert "does not take a query" in capsys.readouterr().err
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"id": "a", "text": STORY}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli_main(["batch", str(records), "--out", str(out), "-n", "2", "--query", "floods",
                     "--jobs", "1", "--progress", "off"]) == 0
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert {" ".join(s["text"].split()[:2]) for s in line["result"]["sentences"]} <= FLOOD_SENTENCES


def test_http_query_on_summarize_and_batch() -> None:
    client = make_app(registry(), isolation="thread").test_client()
    for body in ({"text": STORY, "query": "floods"}, {"text": STORY, "options": {"query": "floods"}}):
        answer = client.post("/v1/summarize", json={**body, "length": {"sentences": 2}})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert {" ".join(s["text"].split()[:2]) for s in answer.get_json()["sentences"]} <= FLOOD_SENTENCES
    batch = client.post("/v1/summarize/batch", json={"documents": [{"text": STORY}], "query": "floods",
                                                      "length": {"sentences": 2}})
    assert batch.status_code == 200, batch.get_data(as_text=True)
    sentences = batch.get_json()["results"][0]["sentences"]
    assert {" ".join(s["text"].split()[:2]) for s in sentences} <= FLOOD_SENTENCES
    error = error_of(client.post("/v1/summarize", json={"text": STORY, "query": "x" * (MAX_QUERY_CHARACTERS + 1)}),
                     422)
    assert error["code"] == "invalid_option" and error["details"]["field"] == "options.query"
    error = error_of(client.post("/v1/summarize", json={"text": STORY, "query": "a", "options": {"query": "b"}}), 422)
    assert error["details"]["field"] == "query"
    error = error_of(client.post("/v1/summarize", json={"text": STORY, "query": "floods", "method": "lsa"}), 422)
    assert "does not take a query" in error["message"]
    schema = client.get("/openapi.json").get_json()
    assert "query" in json.dumps(schema)


def test_http_jobs_carry_the_query(tmp_path: Path) -> None:
    from summarizers.jobs import JobsConfig, JobWorker
    from summarizers_service.app import create_app

    config = JobsConfig(db=str(tmp_path / "jobs.db"), chunk=2)
    app = create_app({"preload": [], "log_level": "WARNING", "jobs": config}, registry=registry())
    client = app.test_client()
    answer = client.post("/v1/jobs", json={"documents": [{"id": "a", "text": STORY}], "query": "floods",
                                           "length": {"sentences": 2}})
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert answer.get_json()["settings"]["options"]["query"] == "floods"
    JobWorker(app.extensions["summarize_jobs"]["jobs"], registry_factory=registry).run(until_idle=True)
    page = client.get(f"/v1/jobs/{answer.get_json()['id']}/results").get_json()
    sentences = page["results"][0]["result"]["sentences"]
    assert {" ".join(s["text"].split()[:2]) for s in sentences} <= FLOOD_SENTENCES


# --- abstractive: extract then abstract -------------------------------------------------------


def test_abstractive_with_a_query_reads_only_the_sentences_about_it(tiny_bart_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    from summarizers.methods.abstractive import method as abstractive_module
    from summarizers.methods.abstractive.config import AbstractiveConfig
    from summarizers.methods.abstractive.method import AbstractiveMethod

    seen: list[str] = []
    real = abstractive_module.generate

    def spy(loaded: Any, texts: list[str], *args: Any) -> Any:
        seen.extend(texts)
        return real(loaded, texts, *args)

    monkeypatch.setattr(abstractive_module, "generate", spy)
    reg = registry()
    config = AbstractiveConfig.with_default(str(tiny_bart_dir), torch_threads=1, extract_method="textrank")
    reg.register(AbstractiveMethod(config))  # the registry injects its extract scorer (textrank)
    options = {"num_beams": 1, "max_new_tokens": 12}
    plain = summarize(STORY, method="abstractive", options=options, registry=reg)
    assert "Flooding damaged" in seen[-1] and "The city council" in seen[-1]  # the whole text fits
    focused = summarize(STORY, method="abstractive", options={**options, "query": "floods"}, registry=reg)
    read = seen[-1]
    assert "Flooding damaged" in read and "Families whose" in read
    assert "The mayor said" not in read and "bus depot" not in read  # what does not bear on the query
    assert 3 <= focused.input.extra["query_sentences"] < focused.input.sentences
    assert focused.input.extra["long_input"] == "extract" and focused.faithfulness is not None
    assert plain.faithfulness is not None
    # nothing bears on it: the usual input, and a warning
    missed = summarize(STORY, method="abstractive", options={**options, "query": "zebra"}, registry=reg)
    assert "The city council" in seen[-1] and any("bears on the query" in w for w in missed.warnings)
    # lsa has no query variant: as the extract method it ranks as usual, the query still filters
    config = AbstractiveConfig.with_default(str(tiny_bart_dir), torch_threads=1, extract_method="lsa")
    reg.register(AbstractiveMethod(config), replace=True)
    summarize(STORY, method="abstractive", options={**options, "query": "floods"}, registry=reg)
    assert "The mayor said" not in seen[-1] and "Families whose" in seen[-1]


def test_the_result_says_how_the_query_was_read_and_where_its_words_are() -> None:
    result = summarize(STORY, options={"query": "What about the floods?"}, registry=registry())
    assert result.query is not None and result.query.text == "What about the floods?"
    assert dict(result.query.terms) == {"flood": 1.0} and result.query.expansion
    own = [m for m in result.query.matches if not m.expanded]
    assert {STORY[m.start:m.end] for m in own} == {"Flooding", "flood", "flooded"}
    assert all(m.term in result.query.expansion for m in result.query.matches if m.expanded)
    assert "query" not in summarize(STORY, registry=registry()).to_dict()  # no query: no field
    # UTF-16 offsets for JavaScript: an emoji before the text shifts every match by one unit
    client = make_app(registry(), isolation="thread").test_client()
    text = "\U0001f30a " + STORY
    data = client.post("/v1/summarize", json={"text": text, "query": "floods", "offsets": "utf16"}).get_json()
    units = text.encode("utf-16-le")
    for match in data["query"]["matches"]:
        word = units[2 * match["start"]:2 * match["end"]].decode("utf-16-le")
        assert word.lower().startswith(match["term"][:4]), (word, match)


# --- the playground -------------------------------------------------------------------------


def test_playground_has_a_query_box_and_marks_the_query_words(tmp_path: Path) -> None:
    import shutil
    import subprocess

    from summarizers_service.app import create_app

    static = Path(__file__).resolve().parents[1] / "service" / "playground" / "static"
    page = create_app({"preload": []}).test_client().get("/").get_data(as_text=True)
    assert 'id="query"' in page and f'maxlength="{MAX_QUERY_CHARACTERS}"' in page
    assert 'from "./query.js"' in (static / "main.js").read_text(encoding="utf-8")
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the browser tests draw the page)")
    script = tmp_path / "check.mjs"
    script.write_text(
        f'import {{ splitByMatches, addQuery }} from "{(static / "query.js").as_uri()}";\n'
        'const m = [{ start: 4, end: 9, term: "flood", expanded: false }, { start: 11, end: 15, term: "rain", '
        'expanded: true }];\n'
        'const out = { first: splitByMatches("Big flood, rain!", 0, m), later: splitByMatches("d, rai", 8, m),\n'
        '  none: splitByMatches("calm", 20, m),\n'
        '  body: addQuery({}, { parameters: [{ name: "query" }] }, { value: " floods " }),\n'
        '  skipped: addQuery({}, { parameters: [] }, { value: "floods" }) };\n'
        'console.log(JSON.stringify(out));\n', encoding="utf-8")
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=30, check=True)
    out = json.loads(done.stdout)
    assert [p if isinstance(p, str) else p["text"] for p in out["first"]] == ["Big ", "flood", ", ", "rain", "!"]
    assert out["first"][3]["match"]["expanded"] is True
    assert [p if isinstance(p, str) else p["text"] for p in out["later"]] == ["d", ", ", "rai"]
    assert out["none"] == ["calm"]
    assert out["body"] == {"query": "floods"} and out["skipped"] == {}


# --- the digest -------------------------------------------------------------------------------

OTHER_STORY = (
    "The national football team won its third match in a row on Saturday evening.\n"
    "The coach praised the young striker, who scored twice in the second half of the game. "
    "Fans filled the stadium and sang long after the final whistle had blown."
)


def digest_records() -> list[dict[str, Any]]:
    return [{"id": "council", "text": STORY, "feed": "city"},
            {"id": "council-2", "text": STORY.replace("Monday", "Tuesday").replace("dozens", "scores"),
             "feed": "city"},
            {"id": "match", "text": OTHER_STORY, "feed": "sport"}]


def test_digest_query_focuses_each_story_and_the_filter_drops_and_reports_the_others() -> None:
    from summarizers.digest import summarize_digest

    plain = summarize_digest(digest_records(), group_by="feed", length={"sentences": 2}, registry=registry())
    focused = summarize_digest(digest_records(), group_by="feed", length={"sentences": 2},
                               options={"query": "floods"}, registry=registry())
    assert plain.filtered is None and "filtered" not in plain.to_dict()
    city = next(s for s in focused.stories if "council" in s.documents)
    plain_city = next(s for s in plain.stories if "council" in s.documents)
    # relevance times centrality: the flood sentences join the summary, the lead may stay
    assert len({" ".join(s.text.split()[:2]) for s in city.sentences} & FLOOD_SENTENCES) > \
        len({" ".join(s.text.split()[:2]) for s in plain_city.sentences} & FLOOD_SENTENCES)
    for sentence in city.sentences:
        text = STORY if sentence.document == "council" else digest_records()[1]["text"]
        assert text[sentence.start:sentence.end] == sentence.text
    assert len(focused.stories) == 2  # without the filter every story stays
    kept = summarize_digest(digest_records(), group_by="feed", length={"sentences": 2},
                            options={"query": "floods"}, registry=registry(), query_filter=True)
    assert [s.documents for s in kept.stories] == [("council", "council-2")]
    data = kept.to_dict()
    assert data["filtered"] == [{"headline": kept.filtered[0].headline, "documents": ["match"], "query_coverage": 0.0}]
    assert data["settings"]["query_filter"] == {"min_coverage": 0.5}
    assert data["settings"]["options"]["query"] == "floods"
    with pytest.raises(InvalidOption, match="needs a query"):
        summarize_digest(digest_records(), group_by="feed", registry=registry(), query_filter=True)


def test_digest_cli_query_and_query_filter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "day.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in digest_records()), encoding="utf-8")
    assert cli_main(["digest", str(records), "--group-by", "feed", "-n", "2", "--query", "floods",
                     "--query-filter", "--no-progress"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [s["documents"] for s in data["stories"]] == [["council", "council-2"]]
    assert data["filtered"][0]["documents"] == ["match"] and "1 stories left out by the query filter" in captured.err
    assert cli_main(["digest", str(records), "--query-filter", "--no-progress"]) == 1
    assert "needs a query" in capsys.readouterr().err


def test_http_digest_job_takes_the_query_and_the_filter(tmp_path: Path) -> None:
    from summarizers.digest import summarize_digest
    from summarizers.jobs import JobsConfig, JobWorker
    from summarizers_service.app import create_app

    config = JobsConfig(db=str(tmp_path / "jobs.db"))
    app = create_app({"preload": [], "log_level": "WARNING", "jobs": config}, registry=registry())
    client = app.test_client()
    body = {"documents": digest_records(), "group_by": "feed", "length": {"sentences": 2}, "query": "floods",
            "query_filter": True}
    answer = client.post("/v1/digests", json=body)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    JobWorker(app.extensions["summarize_jobs"]["jobs"], registry_factory=registry).run(until_idle=True)
    result = client.get(answer.get_json()["result_url"]).get_json()
    expected = summarize_digest(digest_records(), group_by="feed", length={"sentences": 2},
                                options={"query": "floods"}, registry=registry(), query_filter=True).to_dict()
    assert result["stories"] == json.loads(json.dumps(expected["stories"]))
    assert result["filtered"] == expected["filtered"] and result["errors"] == []
    refused = client.post("/v1/digests", json={**body, "query": None})
    assert refused.status_code == 422 and "needs a query" in refused.get_json()["error"]["message"]
    too_long = client.post("/v1/digests", json={**body, "query": "x" * (MAX_QUERY_CHARACTERS + 1)})
    assert too_long.status_code == 422 and too_long.get_json()["error"]["details"]["field"] == "options.query"


def test_digest_markdown_and_html_list_what_the_query_filter_left_out() -> None:
    from summarizers.digest import summarize_digest
    from summarizers.digest.render import render_html, render_markdown

    digest = summarize_digest(digest_records(), group_by="feed", length={"sentences": 1},
                              options={"query": "floods"}, registry=registry(), query_filter=True)
    markdown, page = render_markdown(digest), render_html(digest)
    assert "## Left out: not about the query" in markdown and "`match`" in markdown
    assert '<section class="filtered">' in page and "(match)" in page
    unfiltered = summarize_digest(digest_records(), group_by="feed", length={"sentences": 1}, registry=registry())
    assert "Left out" not in render_markdown(unfiltered) and "filtered" not in render_html(unfiltered)


def test_a_registry_scorer_prepares_once_per_query_and_language_and_scores_as_the_method(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = Registry([NewsRankMethod()])
    prepared: list[tuple[Any, ...]] = []
    real = Registry.prepare

    def counting(self: Registry, *args: Any, **kwargs: Any) -> Any:
        prepared.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Registry, "prepare", counting)
    score = reg.scorer("newsrank")
    documents = [build_document(text) for text in (STORY, STORY + "\nThe storm passed by noon.")]
    for document in documents * 3:
        plain, focused = score(document, None), score(document, "flood warnings")
        method = reg.get("newsrank")
        assert list(plain) == list(method.score(document, real(reg, "newsrank", None, document.language)))
        assert list(focused) == list(method.score(document, real(reg, "newsrank", None, document.language,
                                                                  {"query": "flood warnings"})))
    assert len(prepared) == 2  # one request without the query, one with it: every document reuses them

"""Grounded results through the library, the HTTP API and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures import cli_in_process

from summarizers import (
    Document,
    InvalidOption,
    Method,
    Parameter,
    Registry,
    Request,
    Summary,
    summarize,
    summarize_batch,
)
from summarizers.cli.main import main
from summarizers.methods.lead import LeadMethod
from summarizers.methods.sumy_methods import sumy_methods
from summarizers.text.segment import split_sentences
from summarizers.text.words import count_words
from summarizers.types import LengthAchieved, SelectedSentence
from summarizers_service.app import create_app
from summarizers_service.schemas import SummaryOut

ARTICLE = (
    "The city council approved a new tram line on Tuesday after two years of debate.\n"
    "The line will cost $450 million and open in 2029, officials said.\n"
    "Mayor Anna Berg called it the largest investment in the city's history.\n"
    "Critics said the money should go to buses instead. The vote was 31 to 12."
)
FAITHFUL = "The council approved a new tram line on Tuesday. The line will cost $450 million."
INVENTED = "Governor Paul Smith opposed the plan in 2031."


class FixedAbstractive(Method):
    """An abstractive method whose output is given in an option (a real method of the registry)."""

    name = "fixed"
    kind = "abstractive"
    description = "returns options.output as its summary"
    parameters = (Parameter("output", "string", "the summary to return"),)

    def summarize(self, document: Document, request: Request) -> Summary:
        text = request.option("output", "")
        spans = split_sentences(text, "en")
        sentences = tuple(SelectedSentence(s.text, s.start, s.end, None, i) for i, s in enumerate(spans, 1))
        return Summary(text, self.name, "abstractive", sentences, "summary", document.stats(),
                       LengthAchieved(len(spans), count_words(text), len(text), request.length),
                       model={"name": "fixed", "source": "test"})


@pytest.fixture
def registry() -> Registry:
    return Registry([LeadMethod(), *[m for m in sumy_methods() if m.name == "lexrank"], FixedAbstractive()])


def fixed(registry: Registry, output: str, length: int = 3, **options: object) -> Summary:
    return summarize(ARTICLE, method="fixed", length=length, options={"output": output, **options},
                     registry=registry)


def test_extractive_sentences_are_their_own_support(registry: Registry) -> None:
    result = summarize(ARTICLE, method="lead", length=2, registry=registry)
    for s in result.sentences:
        assert [(p.start, p.end, p.score) for p in s.support] == [(s.start, s.end, 1.0)]
        assert s.unsupported == ()
    assert result.faithfulness is not None and result.faithfulness.score == 1.0
    assert result.to_dict()["faithfulness"] == {
        "score": 1.0, "counts": {"number": 0, "date": 0, "entity": 0, "quote": 0, "negation": 0}}


def test_abstractive_report_flags_and_offsets(registry: Registry) -> None:
    result = fixed(registry, f"{FAITHFUL} {INVENTED}")
    first, second, third = result.sentences
    assert ARTICLE[first.support[0].start:first.support[0].end].startswith("The city council approved")
    assert first.unsupported == () and second.unsupported == ()
    kinds = {(u.kind, result.summary[u.start:u.end]) for u in third.unsupported}
    assert kinds == {("entity", "Governor Paul Smith"), ("date", "2031")}
    assert result.faithfulness is not None and result.faithfulness.counts["entity"] == 1
    assert result.faithfulness.score < fixed(registry, FAITHFUL).faithfulness.score  # type: ignore[union-attr]


def test_drop_removes_unsupported_sentences_and_rebuilds_offsets(registry: Registry) -> None:
    result = fixed(registry, f"{INVENTED} {FAITHFUL}", faithfulness="drop")
    assert result.summary == FAITHFUL
    assert [result.summary[s.start:s.end] for s in result.sentences] == [s.text for s in result.sentences]
    assert [s.rank for s in result.sentences] == [1, 2]
    assert result.length.sentences == 2
    assert any("dropped 1 sentence" in w for w in result.warnings)
    assert result.faithfulness is not None and sum(result.faithfulness.counts.values()) == 0


def test_drop_keeps_at_least_one_sentence(registry: Registry) -> None:
    result = fixed(registry, f"{INVENTED} Senator Jo Park resigned in 2030.", faithfulness="drop")
    assert len(result.sentences) == 1 and result.summary == result.sentences[0].text
    assert result.sentences[0].unsupported


def test_fallback_returns_an_extractive_summary_below_the_threshold(registry: Registry) -> None:
    result = fixed(registry, INVENTED, faithfulness="fallback", length=2)
    assert result.method == "lexrank" and result.kind == "extractive" and len(result.sentences) == 2
    (warning,) = [w for w in result.warnings if "faithfulness" in w]
    assert "below 0.5" in warning and "entity" in warning and "fixed" in warning
    kept = fixed(registry, FAITHFUL, faithfulness="fallback", min_faithfulness=0.1)
    assert kept.method == "fixed"


def test_fallback_uses_lead_when_lexrank_is_not_registered() -> None:
    result = fixed(Registry([LeadMethod(), FixedAbstractive()]), INVENTED, faithfulness="fallback", length=1)
    assert result.method == "lead" and result.summary == ARTICLE.split("\n")[0]


def test_bad_faithfulness_options_are_refused(registry: Registry) -> None:
    with pytest.raises(InvalidOption, match=r"options\.faithfulness"):
        fixed(registry, FAITHFUL, faithfulness="hide")
    with pytest.raises(InvalidOption, match=r"options\.min_faithfulness"):
        fixed(registry, FAITHFUL, min_faithfulness=2)


def test_batch_results_are_grounded_too(registry: Registry) -> None:
    results = summarize_batch([ARTICLE, {"text": ARTICLE}], method="fixed",
                              options={"output": f"{FAITHFUL} {INVENTED}", "faithfulness": "drop"},
                              registry=registry)
    assert [r.summary for r in results] == [FAITHFUL, FAITHFUL]  # type: ignore[union-attr]


def test_http_utf16_offsets_of_support_and_unsupported(registry: Registry) -> None:
    client = create_app({"preload": []}, registry=registry).test_client()
    text = "😀 " + ARTICLE
    output = "😀 Mayor Anna Berg said the tram line will open in 2031."
    body = {"text": text, "method": "fixed", "options": {"output": output}, "offsets": "utf16"}
    data = client.post("/v1/summarize", json=body).get_json()
    SummaryOut.model_validate(data)
    plain = client.post("/v1/summarize", json={**body, "offsets": "codepoint"}).get_json()
    item, plain_item = data["sentences"][0]["unsupported"][0], plain["sentences"][0]["unsupported"][0]
    assert item["start"] == plain_item["start"] + 1  # the emoji before it is two UTF-16 units
    support = data["sentences"][0]["support"][0]
    assert support["start"] == plain["sentences"][0]["support"][0]["start"] + 1
    assert data["faithfulness"]["counts"]["date"] == 1
    lead = client.post("/v1/summarize", json={"text": text, "method": "lead", "offsets": "utf16"}).get_json()
    assert [s["support"][0]["start"] for s in lead["sentences"]] == [s["start"] for s in lead["sentences"]]


def test_cli_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    summary = tmp_path / "summary.txt"
    summary.write_text(f"{FAITHFUL} {INVENTED}", encoding="utf-8")
    args = ["check", str(summary), "--source", str(article)]
    human = cli_in_process(*args)
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith("faithfulness 0.") and "unsupported entity: 'Governor Paul Smith'" in human.stdout
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["date"] == 1 and len(data["sentences"]) == 3
    assert main([*args[:-1], str(tmp_path / "nope.txt")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("summarize: error: ") and err.count("\n") == 1

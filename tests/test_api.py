"""The one interface: validation errors, languages, HTML input, batches, the registry."""

from __future__ import annotations

import math

import pytest

import summarizers
from summarizers import (
    InvalidInput,
    InvalidLength,
    InvalidOption,
    Method,
    MethodUnavailable,
    Registry,
    UnknownMethod,
    UnsupportedLanguage,
    summarize,
    summarize_batch,
    supported_languages,
)
from summarizers.methods.base import Availability
from summarizers.methods.extractive import ExtractiveMethod
from summarizers.methods.lead import LeadMethod

TEXT = "Rates rose on Monday. Markets fell sharply. Banks gained. Oil was flat."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "text is empty"),
        ("   \n\t ", "text is empty"),
        (b"\xff\xfe\x00bad", "not valid UTF-8"),
        ("abc\x00def", "binary"),
        ("\x01\x02\x03\x04 binary \x05\x06", "binary"),
        ("... --- !!!", "no sentence"),
        ("Please enter your comment!\nShare this article", "no sentence"),
        (42, "must be a string"),
    ],
)
def test_bad_text(text: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as info:
        summarize(text)  # type: ignore[arg-type]
    assert info.value.to_dict()["details"]["field"] == "text"


def test_utf8_bytes_are_accepted() -> None:
    assert summarize("Café prices rose. Tea fell. Milk held.".encode(), method="lead").sentences


@pytest.mark.parametrize(
    ("length", "field"),
    [
        ({"sentences": 0}, "length.sentences"),
        ({"sentences": -3}, "length.sentences"),
        ({"sentences": 10**9}, "length.sentences"),
        ({"sentences": 2.5}, "length.sentences"),
        ({"sentences": True}, "length.sentences"),
        ({"ratio": 0}, "length.ratio"),
        ({"ratio": 1.5}, "length.ratio"),
        ({"ratio": math.nan}, "length.ratio"),
        ({"words": 0}, "length.words"),
        ({"words": 10**7}, "length.words"),
        ({"sentences": 2, "words": 10}, "length"),
        ({"paragraphs": 2}, "length"),
        ("three", "length"),
    ],
)
def test_bad_lengths(length: object, field: str) -> None:
    with pytest.raises(InvalidLength) as info:
        summarize(TEXT, length=length)  # type: ignore[arg-type]
    assert info.value.field == field


def test_int_length_means_sentences() -> None:
    assert len(summarize(TEXT, length=2).sentences) == 2


def test_unknown_method_lists_the_known_ones() -> None:
    with pytest.raises(UnknownMethod, match="lexrank") as info:
        summarize(TEXT, method="magic")
    assert "lead" in info.value.details["known"]


def test_bad_options() -> None:
    with pytest.raises(InvalidOption, match="unknown option 'colour'"):
        summarize(TEXT, options={"colour": "red"})
    with pytest.raises(InvalidOption, match="must be one of document, rank"):
        summarize(TEXT, options={"order": "random"})
    with pytest.raises(InvalidOption, match="between 0"):
        summarize(TEXT, method="random", options={"seed": -1})
    with pytest.raises(InvalidOption, match="list of strings"):
        summarize(TEXT, method="edmundson", options={"bonus_words": "rates"})


def test_unsupported_language_lists_the_supported() -> None:
    with pytest.raises(UnsupportedLanguage, match="english") as info:
        summarize(TEXT, language="klingon")
    assert info.value.details["supported"] == supported_languages()


LANGUAGE_SAMPLES = {
    "german": "Die Zentralbank hob die Zinsen an. Die Märkte fielen stark. Die Banken legten zu. Öl blieb stabil.",
    "french": "La banque centrale a relevé ses taux. Les marchés ont chuté. Les banques ont progressé. "
              "Le pétrole est stable.",
    "spanish": "El banco central subió los tipos. Los mercados cayeron. Los bancos ganaron. El petróleo se mantuvo.",
    "russian": "Центральный банк повысил ставки. Рынки упали. Банки выросли. Нефть не изменилась.",
    "czech": "Centrální banka zvýšila sazby. Trhy prudce klesly. Banky posílily. Ropa zůstala stabilní.",
    "greek": "Η κεντρική τράπεζα αύξησε τα επιτόκια. Οι αγορές έπεσαν. Οι τράπεζες κέρδισαν. "
             "Το πετρέλαιο έμεινε σταθερό.",
}


@pytest.mark.parametrize("language", supported_languages())
def test_every_supported_language_runs(language: str) -> None:
    text = LANGUAGE_SAMPLES.get(language, TEXT)
    for method in ("newsrank", "lexrank", "edmundson", "lsa"):
        result = summarize(text, method=method, language=language, length={"sentences": 2})
        assert len(result.sentences) == 2 and result.input.language == language
        for s in result.sentences:
            assert text[s.start:s.end] == s.text


def test_iso_codes_are_accepted() -> None:
    assert summarize(LANGUAGE_SAMPLES["german"], language="de").input.language == "german"


PAGE = """<html><head><title>Rates rise | Example News</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Central bank raises rates</h1>
<p>The central bank raised interest rates by half a point on Tuesday, its biggest rise in years.</p>
<p>Economists had expected a smaller rise. The bank said inflation was still too high.</p>
<p>Shares fell sharply after the announcement, and mortgage holders will pay more from next month.</p>
<p>The government welcomed the decision, while opposition parties said the rise would hurt families.</p>
</article>
<footer>Copyright 2024 Example News. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_html_input_offsets_refer_to_the_extracted_text() -> None:
    result = summarize(html=PAGE, method="lead", length={"sentences": 2})
    assert result.offsets_refer_to == "extracted_text"
    assert result.input.source == "html"
    extracted = result.extracted_text
    assert extracted is not None and "Home" not in extracted and "Privacy" not in extracted
    for s in result.sentences:
        assert extracted[s.start:s.end] == s.text
    assert result.sentences[0].text.startswith("The central bank raised")
    assert result.to_dict()["extracted_text"] == extracted


def test_html_without_article_text() -> None:
    with pytest.raises(InvalidInput, match="no article text"):
        summarize(html="<html><head><title></title></head><body><div></div></body></html>")


def test_exactly_one_of_text_and_html() -> None:
    with pytest.raises(InvalidInput, match="exactly one"):
        summarize(TEXT, html=PAGE)
    with pytest.raises(InvalidInput, match="exactly one"):
        summarize()


def test_batch_keeps_order_and_isolates_failures() -> None:
    results = summarize_batch([TEXT, "", {"html": PAGE}, {"text": "   "}, "One sentence only."],
                              method="lead", length={"sentences": 1})
    assert [type(r).__name__ for r in results] == [
        "Summary", "InvalidInput", "Summary", "InvalidInput", "Summary"]
    assert results[0].summary == "Rates rose on Monday."


def test_batch_request_errors_are_raised_once() -> None:
    with pytest.raises(UnknownMethod):
        summarize_batch([TEXT], method="nope")


class _Offline(LeadMethod):
    name = "offline"
    description = "a method whose model is missing"

    def availability(self) -> Availability:
        return Availability(False, reason="model not in the local cache", fix="summarize models download x")


def test_custom_registry_and_unavailable_method() -> None:
    registry = Registry([LeadMethod(), _Offline()])
    assert registry.names() == ["lead", "offline"]
    described = {m["name"]: m for m in summarizers.methods(registry)}
    assert described["offline"]["available"] is False
    assert described["offline"]["fix"] == "summarize models download x"
    with pytest.raises(MethodUnavailable, match="model not in the local cache") as info:
        summarize(TEXT, method="offline", registry=registry)
    assert info.value.fix == "summarize models download x"
    with pytest.raises(ValueError, match="already registered"):
        registry.register(LeadMethod())


def test_a_new_method_is_one_small_class() -> None:
    class Shortest(ExtractiveMethod):
        name = "shortest"
        description = "the shortest sentences"

        def score(self, document, request):  # type: ignore[no-untyped-def]
            return [-len(s.text) for s in document.sentences]

    registry = Registry([Shortest()])
    result = summarize(TEXT, method="shortest", length=1, registry=registry)
    assert result.summary == "Banks gained."


def test_to_dict_is_json_ready() -> None:
    import json

    data = summarize(TEXT, method="lead").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) >= {"summary", "method", "kind", "sentences", "length", "input", "warnings", "headline"}
    assert set(data["sentences"][0]) == {"text", "start", "end", "score", "rank", "support", "unsupported"}


PUBLIC_API = [
    "DEFAULT_METHOD", "Availability", "Document", "FaithfulnessReport", "Input", "InputTooLarge", "InvalidInput",
    "InvalidLength", "InvalidOption", "Length", "Method", "MethodUnavailable", "ModelError", "ModelMissing", "Options",
    "Parameter", "Registry", "Request", "SelectedSentence", "Span", "SummarizerError", "Summary",
    "SummaryTimeout", "UnknownMethod", "UnsupportedLanguage", "build_document", "build_index",
    "check_faithfulness", "default_registry", "methods", "prepare_input", "summarize",
    "summarize_batch", "summarize_batch_prepared", "summarize_digest", "summarize_input", "summarize_prepared",
    "supported_languages",
]


def test_public_api_is_exactly_the_documented_list() -> None:
    assert summarizers.__all__ == PUBLIC_API
    assert all(getattr(summarizers, name, None) is not None for name in PUBLIC_API)
    assert isinstance(summarizers.default_registry().get("lead"), Method)

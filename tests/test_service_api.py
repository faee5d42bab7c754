"""``/v1/summarize``, ``/v1/summarize/batch`` and ``/v1/methods`` through Flask's test client: what reaches
the library and what comes back."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient
from service_helpers import ARTICLE, EMOJI_ARTICLE, error_of, make_app

import summarizers.registry as registry_module
from summarizers import Document, Length, Method, Registry, Request, Summary
from summarizers.methods.lead import LeadMethod
from summarizers.methods.newsrank import NewsRankMethod
from summarizers.methods.sumy_methods import sumy_methods
from summarizers_service.offsets import Utf16Index

# --- summarize ------------------------------------------------------------------------------


def test_sample_article_gives_three_sentences_whose_offsets_slice_the_text(sample_article: str) -> None:
    client = make_app(Registry([NewsRankMethod(), *sumy_methods()])).test_client()
    response = client.post("/v1/summarize", json={"text": sample_article}, headers={"X-Request-ID": "req-1"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "req-1"
    data = response.get_json()
    assert data["method"] == "newsrank" and data["kind"] == "extractive"
    assert data["offsets"] == "codepoint" and data["elapsed_seconds"] >= 0
    assert len(data["sentences"]) == 3
    for sentence in data["sentences"]:
        assert sample_article[sentence["start"] : sentence["end"]] == sentence["text"]
        assert {"score", "rank"} <= set(sentence)
    assert data["length"]["sentences"] == 3
    assert {"input", "warnings", "headline"} <= set(data)


def test_length_language_and_options_reach_the_method(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    # In threads, so that the spy sees the call (worker processes run their own copy of the code).
    client = make_app(registry, isolation="thread").test_client()
    seen: list[Request] = []
    original = LeadMethod.summarize

    def spy(self: LeadMethod, document: Document, request: Request) -> Summary:
        seen.append(request)
        return original(self, document, request)

    monkeypatch.setattr(LeadMethod, "summarize", spy)
    body = {"text": ARTICLE, "method": "lead", "length": {"words": 20}, "language": "en",
            "options": {"order": "rank", "title": "Storm batters the coast"}}
    response = client.post("/v1/summarize", json=body)
    data = response.get_json()
    assert response.status_code == 200, data
    assert [(r.method_name, r.length, r.language.name, dict(r.options)) for r in seen] == [
        ("lead", Length(words=20), "english", {"order": "rank", "title": "Storm batters the coast"})
    ]
    assert data["length"]["requested"] == {"words": 20} and data["input"]["language"] == "english"
    assert data["sentences"][0]["text"].startswith("A powerful storm")
    assert data["headline"]["text"] == "Storm batters the coast"


def test_length_is_parsed_and_validated_once_per_request(client: FlaskClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    parse, post_init, validate = Length.parse.__func__, Length.__post_init__, Method.validate_options  # type: ignore[attr-defined]
    resolve, prepare = registry_module.resolve_language_name, Registry.prepare

    def counted(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(Length, "parse", classmethod(counted("Length.parse", parse)))
    monkeypatch.setattr(Length, "__post_init__", counted("Length validation", post_init))
    monkeypatch.setattr(Method, "validate_options", counted("validate_options", validate))
    monkeypatch.setattr(registry_module, "resolve_language_name", counted("resolve_language", resolve))
    monkeypatch.setattr(Registry, "prepare", counted("prepare", prepare))
    once = {"Length.parse": 1, "Length validation": 1, "validate_options": 1, "resolve_language": 1, "prepare": 1}

    body = {"method": "lexrank", "length": {"sentences": 2}, "language": "en", "options": {"order": "rank"}}
    assert client.post("/v1/summarize", json={**body, "text": ARTICLE}).status_code == 200
    assert calls == once
    calls.clear()
    documents = [{"text": ARTICLE}, {"text": EMOJI_ARTICLE}, {"html": f"<p>{ARTICLE}</p>"}]
    assert client.post("/v1/summarize/batch", json={**body, "documents": documents}).status_code == 200
    assert calls == once


def test_html_offsets_refer_to_the_extracted_text(client: FlaskClient) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines()[2:])
    html = f"<html><head><title>Storm</title></head><body><article>{paragraphs}</article></body></html>"
    response = client.post("/v1/summarize", json={"html": html, "method": "lead", "length": {"sentences": 2}})
    data = response.get_json()
    assert response.status_code == 200, data
    assert data["offsets_refer_to"] == "extracted_text"
    for sentence in data["sentences"]:
        assert data["extracted_text"][sentence["start"] : sentence["end"]] == sentence["text"]


def test_utf16_offsets_are_javascript_string_indices(client: FlaskClient) -> None:
    def js_slice(text: str, start: int, end: int) -> str:
        units = text.encode("utf-16-le")
        return units[2 * start : 2 * end].decode("utf-16-le")

    body = {"text": EMOJI_ARTICLE, "method": "lead", "length": {"sentences": 4}}
    plain = client.post("/v1/summarize", json=body).get_json()
    utf16 = client.post("/v1/summarize", json={**body, "offsets": "utf16"}).get_json()
    assert utf16["offsets"] == "utf16"
    shifted = False
    for cp, u16 in zip(plain["sentences"], utf16["sentences"], strict=True):
        assert EMOJI_ARTICLE[cp["start"] : cp["end"]] == cp["text"]
        assert js_slice(EMOJI_ARTICLE, u16["start"], u16["end"]) == u16["text"] == cp["text"]
        shifted |= u16["start"] != cp["start"]
    assert shifted, "an emoji precedes some sentence, so some offset must move"


def test_utf16_index_counts_astral_characters_twice() -> None:
    index = Utf16Index("a😀é🎉b")  # code points: a 😀 é 🎉 b
    assert [index(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert Utf16Index("plain")(3) == 3


# --- batch ----------------------------------------------------------------------------------


def test_batch_with_one_bad_document_returns_the_others_in_order(client: FlaskClient) -> None:
    documents = [
        {"id": "a", "text": ARTICLE},
        {"id": "b", "text": "   "},
        {"text": EMOJI_ARTICLE},
        {"id": 7, "text": ARTICLE, "html": "<p>both</p>"},
    ]
    response = client.post(
        "/v1/summarize/batch",
        json={"documents": documents, "method": "lead", "length": {"sentences": 2}, "offsets": "utf16"},
    )
    data = response.get_json()
    assert response.status_code == 200, data
    assert [r["id"] for r in data["results"]] == ["a", "b", 2, 7]
    assert [r.get("id_generated") for r in data["results"]] == [None, None, True, None]  # 2: a position
    assert data["count"] == 4 and data["failed"] == 2
    assert data["results"][0]["length"]["sentences"] == 2
    assert data["results"][1]["status"] == 422
    assert data["results"][1]["error"]["code"] == "invalid_input"
    assert data["results"][2]["offsets"] == "utf16"
    assert data["results"][3]["error"]["details"]["field"] == "text"


def test_batch_limits_and_shared_errors(registry: Registry) -> None:
    client = make_app(registry, max_batch=2).test_client()
    too_many = {"documents": [{"text": ARTICLE}] * 3}
    assert error_of(client.post("/v1/summarize/batch", json=too_many), 422)["details"]["field"] == "documents"
    assert (
        error_of(client.post("/v1/summarize/batch", json={"documents": []}), 422)["details"]["field"]
        == "documents"
    )
    unknown = {"documents": [{"text": ARTICLE}], "method": "nope"}
    assert error_of(client.post("/v1/summarize/batch", json=unknown), 422)["code"] == "unknown_method"


# --- methods, health, readiness, metrics, docs ---------------------------------------------


def test_methods_lists_kind_parameters_availability_and_models(client: FlaskClient) -> None:
    data = client.get("/v1/methods").get_json()
    by_name = {m["name"]: m for m in data["methods"]}
    assert by_name["lexrank"]["kind"] == "extractive" and by_name["lexrank"]["available"] is True
    assert by_name["missing"]["available"] is False and by_name["missing"]["reason"]
    beams = next(p for p in by_name["gated"]["parameters"] if p["name"] == "num_beams")
    assert (beams["minimum"], beams["maximum"]) == (1, 8)
    assert data["models"] == [{"method": "gated", "name": "fake", "source": "test", "default": True}]

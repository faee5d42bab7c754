"""Every method declares its cost; inputs over its sentence limit are refused up front."""

from __future__ import annotations

import pytest

from summarizers import InputTooLarge, InvalidInput, Registry, default_registry, summarize
from summarizers.config import ConfigError, read_config
from summarizers.methods import fast_sumy
from summarizers.methods.newsrank import NewsRankMethod
from summarizers_service.app import create_app

TEXT = " ".join(f"Sentence number {i} talks about the harbour." for i in range(12))


def test_every_method_declares_a_cost_class_and_limit() -> None:
    for method in default_registry():
        described = method.describe()["cost"]
        assert described["class"] in {"linear", "quadratic", "cubic", "model"}
        if described["class"] != "model":
            assert isinstance(described["max_sentences"], int) and described["max_sentences"] > 0


def test_sumy_code_has_lower_limits_than_the_fast_paths() -> None:
    registry = default_registry()
    lexrank = registry.get("lexrank")
    fast = lexrank.sentence_limit(registry.prepare("lexrank", options={"implementation": "fast"}))
    slow = lexrank.sentence_limit(registry.prepare("lexrank", options={"implementation": "sumy"}))
    assert fast is not None and slow is not None and slow < fast


def limited(limits: str) -> Registry:
    """A registry built with ``SUMMARIZE_SENTENCE_LIMITS=limits`` (read once, when it is built)."""
    return default_registry(plugins=False, config=read_config({"SUMMARIZE_SENTENCE_LIMITS": limits}))


def test_over_the_limit_is_refused_before_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    called = []
    monkeypatch.setattr(fast_sumy, "lexrank", lambda doc: called.append(doc) or [])
    registry = limited("lexrank=5")  # built after the patch: its fast path is the spy
    with pytest.raises(InputTooLarge) as info:
        summarize(TEXT, method="lexrank", registry=registry)
    err = info.value
    assert isinstance(err, InvalidInput) and err.code == "input_too_large" and not called
    assert "lexrank" in err.message and "5" in err.message and "12 sentences" in err.message
    assert err.to_dict()["details"] == {"field": "text", "method": "lexrank", "limit": 5, "unit": "sentences",
                                        "sentences": 12, "cost_class": "quadratic"}


def test_limits_per_implementation_and_per_instance() -> None:
    with pytest.raises(ConfigError, match="SUMMARIZE_SENTENCE_LIMITS"):  # a bad entry stops the start
        limited("lexrank.sumy=4, bad, kl=-1")
    registry = limited("lexrank.sumy=4")
    assert summarize(TEXT, method="lexrank", registry=registry).method == "lexrank"  # the fast path: its default
    with pytest.raises(InputTooLarge, match="sumy implementation"):
        summarize(TEXT, method="lexrank", options={"implementation": "sumy"}, registry=registry)
    method = NewsRankMethod()
    method.limit_sentences(3)
    with pytest.raises(InputTooLarge, match="at most 3"):
        summarize(TEXT, method="newsrank", registry=Registry([method]))
    method.limit_sentences(None)
    assert summarize(TEXT, method="newsrank", registry=Registry([method])).length.sentences == 3


def test_the_service_answers_422_with_the_limit() -> None:
    # The limit is set on the instance, which travels to the service's worker processes with the
    # registry (SUMMARIZE_SENTENCE_LIMITS is given to the methods when the registry is built, above).
    method = NewsRankMethod()
    method.limit_sentences(10)
    client = create_app({"preload": []}, registry=Registry([method])).test_client()
    answer = client.post("/v1/summarize", json={"text": TEXT})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "input_too_large" and error["details"]["limit"] == 10
    assert "newsrank" in error["message"]

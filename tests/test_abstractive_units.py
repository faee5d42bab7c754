"""The abstractive method's pure parts: configuration, length budgets, trimming, long-input
plans, generation settings, option bounds and cheap availability. No model, no torch."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from summarizers import InvalidOption, Length, Registry, summarize
from summarizers.config import ConfigError, parse_models, read_abstractive
from summarizers.errors import MethodUnavailable
from summarizers.methods.abstractive.config import AbstractiveConfig, ModelSpec
from summarizers.methods.abstractive.generation_settings import (
    GenerationSettings,
    check_token_options,
    resolve_settings,
)
from summarizers.methods.abstractive.length import token_budget, trim
from summarizers.methods.abstractive.long_input import (
    MIN_CHUNK_SUMMARY,
    PlanResult,
    Stage,
    Unit,
    join_units,
    pack,
    pick,
    plan,
)
from summarizers.methods.abstractive.method import AbstractiveMethod, abstractive_method

ROOT = Path(__file__).resolve().parents[1]


# -- configuration ------------------------------------------------------------------------------

def test_default_configuration_names_distilbart() -> None:
    config = read_abstractive({})
    assert config.default == "distilbart-cnn-12-6"
    assert config.spec(None).source == "sshleifer/distilbart-cnn-12-6"
    assert {"bart-large-cnn", "pegasus-cnn_dailymail", "t5-small"} <= set(config.models)
    assert (config.device, config.dtype, config.batch_size) == ("auto", "auto", 4)


def test_default_model_from_env_as_directory_hub_id_or_name(tmp_path: Path) -> None:
    local = read_abstractive({"SUMMARIZE_ABSTRACTIVE_MODEL": str(tmp_path / "my-model")})
    assert local.default == "my-model" and local.spec(None).is_local
    hub = read_abstractive({"SUMMARIZE_ABSTRACTIVE_MODEL": "org/some-model"})
    assert hub.default == "some-model" and not hub.spec(None).is_local
    named = read_abstractive({"SUMMARIZE_ABSTRACTIVE_MODEL": "t5-small"})
    assert named.default == "t5-small" and named.spec(None).source == "google-t5/t5-small"
    same_source = read_abstractive({"SUMMARIZE_ABSTRACTIVE_MODEL": "facebook/bart-large-cnn"})
    assert same_source.default == "bart-large-cnn"


def test_extra_models_as_json_or_pairs() -> None:
    assert parse_models('{"a": "org/a", "b": {"source": "/m/b", "prefix": "sum: "}}') == {
        "a": ModelSpec("a", "org/a"), "b": ModelSpec("b", "/m/b", "sum: ")}
    assert parse_models("a=org/a, b=/m/b") == {"a": ModelSpec("a", "org/a"), "b": ModelSpec("b", "/m/b")}
    config = read_abstractive({"SUMMARIZE_MODELS": "mine=/models/mine",
                                         "SUMMARIZE_ABSTRACTIVE_MODEL": "mine"})
    assert config.default == "mine" and config.spec("mine").source == "/models/mine"


@pytest.mark.parametrize("env, message", [
    ({"SUMMARIZE_MODELS": "{not json"}, "not valid JSON"),
    ({"SUMMARIZE_MODELS": "just-a-name"}, "name=source"),
    ({"SUMMARIZE_MAX_BEAMS": "many"}, "SUMMARIZE_MAX_BEAMS='many' is not valid: expected a whole number"),
    ({"SUMMARIZE_DEVICE": "tpu"}, "SUMMARIZE_DEVICE"),
    ({"SUMMARIZE_DTYPE": "int4"}, "SUMMARIZE_DTYPE"),
    ({"SUMMARIZE_TORCH_THREADS": "0"}, "SUMMARIZE_TORCH_THREADS='0' is not valid: expected a whole number >= 1"),
])
def test_bad_configuration_is_a_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        read_abstractive(env)


def test_the_factory_takes_the_configuration_read_at_start() -> None:
    config = read_abstractive({"SUMMARIZE_MAX_BEAMS": "3"})
    method = abstractive_method(config)
    assert method.config is config and method.config.max_beams == 3
    assert abstractive_method().config == AbstractiveConfig()


def test_unknown_model_name_is_an_invalid_option() -> None:
    with pytest.raises(InvalidOption) as info:
        AbstractiveConfig().spec("gpt-huge")
    assert info.value.field == "options.model"


# -- availability, cheap and clear ----------------------------------------------------------------

def test_absent_hub_model_is_unavailable_with_the_download_command() -> None:
    config = AbstractiveConfig(models={"ghost": ModelSpec("ghost", "summarizers-test/no-such-model")},
                               default="ghost")
    status = AbstractiveMethod(config).availability()
    assert not status.available
    assert "not in the local Hugging Face cache" in (status.reason or "")
    assert status.fix == "summarize models download ghost"


def test_absent_local_directory_is_unavailable(tmp_path: Path) -> None:
    method = AbstractiveMethod(AbstractiveConfig.with_default(str(tmp_path / "missing")))
    status = method.availability()
    assert not status.available and str(tmp_path / "missing") in (status.reason or "")
    with pytest.raises(MethodUnavailable) as info:
        summarize("One sentence here. And another one.", method="abstractive", registry=Registry([method]))
    assert info.value.fix and "missing" in info.value.message


def test_registering_the_method_imports_no_torch() -> None:
    code = ("import sys, summarizers; d = {m['name']: m for m in summarizers.methods()}; "
            "assert 'abstractive' in d, d; assert 'torch' not in sys.modules; "
            "assert 'transformers' not in sys.modules; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_parameters_show_the_configured_bounds_and_models() -> None:
    config = AbstractiveConfig(max_beams=5, max_new_tokens=300)
    described = {p["name"]: p for p in AbstractiveMethod(config).describe()["parameters"]}
    assert described["num_beams"]["maximum"] == 5
    assert described["max_new_tokens"]["maximum"] == 300
    assert described["model"]["choices"] == list(config.models)
    assert described["long_input"]["choices"] == ["extract", "chunk", "truncate"]
    assert described["long_input"]["default"] == "extract"
    assert {"length_penalty", "no_repeat_ngram_size", "min_new_tokens"} <= set(described)


@pytest.mark.parametrize("options, field", [
    ({"num_beams": 0}, "options.num_beams"),
    ({"num_beams": 9}, "options.num_beams"),
    ({"max_new_tokens": 513}, "options.max_new_tokens"),
    ({"min_new_tokens": -1}, "options.min_new_tokens"),
    ({"length_penalty": 9.5}, "options.length_penalty"),
    ({"no_repeat_ngram_size": 11}, "options.no_repeat_ngram_size"),
    ({"long_input": "summarize-harder"}, "options.long_input"),
    ({"model": "/etc/passwd"}, "options.model"),
    ({"min_new_tokens": 50, "max_new_tokens": 10}, "options.min_new_tokens"),
    ({"temperature": 0.7}, "options.temperature"),
])
def test_options_out_of_bounds_are_clear_errors(options: dict, field: str) -> None:
    with pytest.raises(InvalidOption) as info:
        AbstractiveMethod(AbstractiveConfig()).validate_options(options)
    assert info.value.field == field
    assert field.split(".")[1] in info.value.message


# -- length: token budgets and trimming -----------------------------------------------------------

def test_token_budget_for_sentences_and_words() -> None:
    assert token_budget(Length(sentences=3), 40, 1.0, 512) == (33, 94)
    low, high = token_budget(Length(words=40), 40, 1.5, 512)
    assert (low, high) == (30, 73)
    assert token_budget(Length(sentences=50), 60, 1.3, 200)[1] == 200  # capped at the ceiling
    assert token_budget(Length(ratio=0.1), 30, 1.0, 512) == token_budget(Length(sentences=3), 30, 1.0, 512)


def test_trim_drops_an_unfinished_sentence_and_keeps_offsets() -> None:
    out = trim("  First one here. Second one here! Third one? And then it stops", "en", Length(sentences=2), 10)
    assert out.text == "First one here. Second one here!"
    assert [out.text[s.start:s.end] for s in out.sentences] == ["First one here.", "Second one here!"]
    assert any("unfinished" in w for w in out.warnings)


def test_trim_to_a_word_budget_keeps_whole_sentences() -> None:
    out = trim("One two three. Four five six. Seven eight nine.", "en", Length(words=7), 10)
    assert out.text == "One two three. Four five six."
    long_first = trim("One two three four five six. Seven.", "en", Length(words=3), 10)
    assert long_first.text == "One two three four five six."
    assert any("over the budget" in w for w in long_first.warnings)


def test_trim_reports_fewer_sentences_and_a_lone_fragment() -> None:
    fewer = trim("Only one sentence.", "en", Length(sentences=3), 10)
    assert fewer.text == "Only one sentence." and any("wrote 1" in w for w in fewer.warnings)
    fragment = trim("no punctuation at all", "en", Length(sentences=1), 10)
    assert fragment.text == "no punctuation at all" and any("mid-sentence" in w for w in fragment.warnings)
    assert trim("   ", "en", Length(), 10).text == ""


# -- long-input plans ------------------------------------------------------------------------------

def words(texts: Sequence[str]) -> list[int]:
    """A stand-in tokenizer: one token per whitespace-separated word."""
    return [len(t.split()) for t in texts]


def units(sizes: Sequence[int], per_paragraph: int = 2) -> list[Unit]:
    return [Unit(" ".join(f"w{i}x{k}" for k in range(n)) + ".", n, i // per_paragraph)
            for i, n in enumerate(sizes)]


def drive(the_plan, summarize_text) -> tuple[PlanResult, list[Stage]]:
    """Run a plan to its end with ``summarize_text``, returning the result and the stages."""
    stages = [next(the_plan)]
    try:
        while True:
            stages.append(the_plan.send([summarize_text(t, stages[-1]) for t in stages[-1].texts]))
    except StopIteration as stop:
        return stop.value, stages


def first_words(n: int):
    return lambda text, stage: " ".join(text.split()[: min(n, stage.max_new_tokens or n)])


def test_join_units_keeps_paragraphs() -> None:
    assert join_units(units([1, 1, 1])) == "w0x0. w1x0.\nw2x0."


def test_pack_is_sentence_aligned_and_isolates_oversized_units() -> None:
    assert pack(units([5, 5, 5, 20, 3]), 10) == [[0, 1], [2], [3], [4]]


def test_pick_takes_the_best_that_fit_in_document_order() -> None:
    us = units([4, 4, 4, 4])
    assert pick(us, [0.1, 0.9, 0.2, 0.8], 8) == [1, 3]
    assert pick(units([4, 9, 2]), [0.1, 0.9, 0.5], 7) == [0, 2]  # the best is too long: skipped
    assert pick(units([9, 9]), [0.2, 0.5], 5) == [1]  # nothing fits: the best alone


def test_short_input_goes_through_untouched_with_every_policy() -> None:
    def no_scores() -> list[float]:
        raise AssertionError("scores are not needed for a short input")

    for policy in ("truncate", "chunk", "extract"):
        result, stages = drive(plan(policy, units([3, 3]), 50, words, no_scores), first_words(5))
        assert len(stages) == 1 and stages[0].texts == ["w0x0 w0x1 w0x2. w1x0 w1x1 w1x2."]
        assert result.policy == policy and not result.truncated and not result.warnings


def test_truncate_reads_the_start_and_says_so() -> None:
    result, stages = drive(plan("truncate", units([10] * 5), 20, words, list), first_words(5))
    assert len(stages) == 1 and result.truncated and "first 20 tokens" in result.warnings[0]


def test_extract_keeps_the_most_important_sentences_in_order() -> None:
    us = units([5, 5, 5, 5, 5, 5])
    result, stages = drive(plan("extract", us, 12, words, lambda: [0, 5, 1, 4, 2, 3]), first_words(5))
    assert stages[0].texts == [join_units([us[1], us[3]])]
    assert result.truncated and result.details["sentences_kept"] == 2


def test_chunk_summarizes_chunks_then_their_summaries() -> None:
    us = units([30] * 20)  # 600 tokens, budget 100: 7 chunks of up to 3 sentences
    result, stages = drive(plan("chunk", us, 100, words, list), first_words(50))
    assert len(stages[0].texts) == 7 and stages[0].max_new_tokens == MIN_CHUNK_SUMMARY
    assert all(words(stages[0].texts)[i] <= 100 for i in range(7))
    assert len(stages[-1].texts) == 1 and stages[-1].max_new_tokens is None
    assert result.details["chunks"] == 7 and result.details["levels"] == 2
    assert not result.truncated
    assert words(stages[-1].texts)[0] <= 100


def test_chunk_gives_up_when_summaries_do_not_shrink() -> None:
    result, _ = drive(plan("chunk", units([30] * 10), 40, words, list), lambda text, stage: text)
    assert result.truncated and result.warnings


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError):
        next(plan("magic", units([1]), 10, words, list))


# -- generation settings ---------------------------------------------------------------------------

DEFAULTS = {"num_beams": 4, "length_penalty": 2.0, "no_repeat_ngram_size": 3, "early_stopping": True}


def settings(options: dict, length: Length | None = None) -> GenerationSettings:
    return resolve_settings(DEFAULTS, options, length or Length(), 20, 1.0, max_beams=8, max_new_tokens=512)


def test_settings_come_from_the_model_then_the_request() -> None:
    base = settings({})
    assert (base.num_beams, base.length_penalty, base.no_repeat_ngram_size) == (4, 2.0, 3)
    assert (base.min_new_tokens, base.max_new_tokens) == token_budget(Length(), 20, 1.0, 512)
    custom = settings({"num_beams": 1, "length_penalty": 0.5, "no_repeat_ngram_size": 0})
    assert (custom.num_beams, custom.length_penalty, custom.no_repeat_ngram_size) == (1, 0.5, 0)
    assert custom.kwargs()["do_sample"] is False and custom.kwargs()["length_penalty"] == 1.0


def test_explicit_token_limits_win_over_the_length() -> None:
    capped = settings({"max_new_tokens": 10})
    assert (capped.min_new_tokens, capped.max_new_tokens) == (10, 10)
    floor = settings({"min_new_tokens": 200})
    assert (floor.min_new_tokens, floor.max_new_tokens) == (200, 200)
    with pytest.raises(InvalidOption):  # the one check, when the request is prepared
        check_token_options({"min_new_tokens": 20, "max_new_tokens": 10})
    check_token_options({"min_new_tokens": 10, "max_new_tokens": 10})


def test_model_default_beams_are_capped_by_the_configured_bound() -> None:
    s = resolve_settings({"num_beams": 8}, {}, Length(), 20, 1.0, max_beams=2, max_new_tokens=512)
    assert s.num_beams == 2

"""The abstractive method on tiny random BART and T5 models built locally (no download), loaded
through the production ``from_pretrained`` path."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from summarizers import (  # noqa: E402
    InvalidOption,
    MethodUnavailable,
    ModelError,
    Registry,
    Summary,
    SummaryTimeout,
    build_document,
    default_registry,
    summarize,
    summarize_batch,
)
from summarizers.methods.abstractive import generation  # noqa: E402
from summarizers.methods.abstractive.config import AbstractiveConfig, ModelSpec  # noqa: E402
from summarizers.methods.abstractive.loader import ModelLoader, load_model  # noqa: E402
from summarizers.methods.abstractive.method import AbstractiveMethod  # noqa: E402
from summarizers.methods.base import Options, Request  # noqa: E402
from summarizers.testing import TRAINING_TEXT  # noqa: E402
from summarizers.text.words import count_words  # noqa: E402

torch.set_num_threads(1)

ARTICLE = (
    "Council approves new bridge\n\n"
    "The city council approved plans for a new bridge over the river on Monday. "
    "The bridge will cost about $40m and take three years to build.\n"
    "Supporters said it would cut traffic in the city centre by a third. "
    "Opponents warned that the cost could rise and that homes would be lost.\n"
    "Work is expected to start next spring, once the final designs are agreed.\n"
)
GREEDY = {"num_beams": 1}


def method_for(path: Path, **config: object) -> AbstractiveMethod:
    settings = {"torch_threads": 1, "extract_method": "luhn", **config}
    config = AbstractiveConfig.with_default(str(path), **settings)
    return AbstractiveMethod(config, scorer=default_registry(plugins=False).scorer(config.extract_method))


@pytest.fixture(scope="module")
def bart(tiny_bart_dir: Path) -> AbstractiveMethod:
    return method_for(tiny_bart_dir)


@pytest.fixture(scope="module")
def t5(tiny_t5_dir: Path) -> AbstractiveMethod:
    return method_for(tiny_t5_dir)


@pytest.fixture(scope="module")
def long_document() -> str:
    """A 20,000-word document: paragraphs of sentences made from news words, seeded."""
    rng = random.Random(7)
    vocabulary = [w.strip('.,:"$%') for w in TRAINING_TEXT.split()]
    paragraphs, total = [], 0
    while total < 20_000:
        sentences = []
        for _ in range(4):
            n = min(rng.randint(10, 25), 20_000 - total)
            if n <= 0:
                break
            sentences.append(" ".join(rng.choice(vocabulary) for _ in range(n)).capitalize() + ".")
            total += n
        paragraphs.append(" ".join(sentences))
    return "\n".join(p for p in paragraphs if p)


def run(method: AbstractiveMethod, text: str = ARTICLE, **kwargs: object) -> Summary:
    return summarize(text, method="abstractive", registry=Registry([method]), **kwargs)  # type: ignore[arg-type]


def test_loads_once_through_from_pretrained_and_reports_it(tiny_bart_dir: Path) -> None:
    calls: list[str] = []

    def counting(spec: ModelSpec, config: AbstractiveConfig):
        calls.append(spec.name)
        return load_model(spec, config)

    config = AbstractiveConfig.with_default(str(tiny_bart_dir), torch_threads=1)
    method = AbstractiveMethod(config, loader=ModelLoader(config, counting))
    assert method.availability().available and not method.loaded()
    threads = [threading.Thread(target=method.load) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [tiny_bart_dir.name] and method.loaded()
    loaded = method.load()
    assert loaded.architecture == "BartForConditionalGeneration"
    assert (loaded.device, loaded.dtype, loaded.max_input_tokens, loaded.prefix) == ("cpu", "float32", 1024, "")
    assert loaded.defaults["num_beams"] == 2 and loaded.defaults["max_length"] == 60
    assert method.load_seconds()[tiny_bart_dir.name] > 0
    assert [m["name"] for m in method.models() if m["loaded"]] == [tiny_bart_dir.name]


def test_summary_has_the_shared_result_shape(bart: AbstractiveMethod, tiny_bart_dir: Path) -> None:
    result = run(bart, options=GREEDY)
    data = result.to_dict()
    assert data["kind"] == "abstractive" and data["method"] == "abstractive"
    assert data["offsets_refer_to"] == "summary" and result.summary
    assert data["headline"]["text"] == "Council approves new bridge"
    for rank, s in enumerate(result.sentences, start=1):
        assert result.summary[s.start:s.end] == s.text and s.score is None and s.rank == rank
    assert data["model"]["name"] == tiny_bart_dir.name and data["model"]["source"] == str(tiny_bart_dir)
    assert data["model"]["generation"]["num_beams"] == 1
    assert data["input"]["tokens"] > 40 and data["input"]["truncated"] is False
    assert data["input"]["long_input"] == "extract" and data["input"]["sentences"] == 5
    assert data["length"]["words"] == count_words(result.summary)
    assert data["length"]["characters"] == len(result.summary)


def test_model_defaults_apply_without_options(bart: AbstractiveMethod) -> None:
    generation_used = run(bart, options={"max_new_tokens": 12}).model["generation"]  # type: ignore[index]
    assert generation_used["num_beams"] == 2 and generation_used["no_repeat_ngram_size"] == 3
    assert generation_used["length_penalty"] == 2.0


def test_t5_gets_its_task_prefix(t5: AbstractiveMethod) -> None:
    result = run(t5, options={**GREEDY, "max_new_tokens": 16})
    assert result.model["architecture"] == "T5ForConditionalGeneration"  # type: ignore[index]
    assert result.model["prefix"] == "summarize: "  # type: ignore[index]
    assert t5.load().max_input_tokens == 512
    assert result.input.extra["tokens"] > t5.load().count_tokens([ARTICLE.split("\n", 2)[2]])[0]


def test_greedy_batched_output_equals_unbatched(bart: AbstractiveMethod, bbc_or_builtin: list[str]) -> None:
    docs = bbc_or_builtin
    options = {**GREEDY, "max_new_tokens": 24}
    single = [run(bart, d, options=options).summary for d in docs]
    batched = summarize_batch(docs, method="abstractive", options=options, registry=Registry([bart]))
    assert [b.summary for b in batched] == single  # type: ignore[union-attr]
    assert len(set(single)) > 1  # the tiny model does depend on its input


@pytest.fixture(scope="module")
def bbc_or_builtin(request: pytest.FixtureRequest) -> list[str]:
    """Six documents of different lengths (BBC articles when present)."""
    try:
        articles = request.getfixturevalue("bbc_articles")
        return [a["document"] for a in articles[:6]]
    except pytest.skip.Exception:
        lines = [line for line in TRAINING_TEXT.splitlines() if line]
        return ["\n".join(lines[i: i + 2 + i % 3]) for i in range(6)]


def test_batch_results_in_order_and_failures_in_place(bart: AbstractiveMethod, tiny_bart_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    real = generation._generate_batch

    def poisoned(loaded, texts, settings):
        if any("poison" in t for t in texts):
            raise ModelError("the poisoned text broke the model")
        return real(loaded, texts, settings)

    monkeypatch.setattr(generation, "_generate_batch", poisoned)
    docs = [ARTICLE, "The poison pill was swallowed by the board. Shares fell.", "", ARTICLE + "More news."]
    results = summarize_batch(docs, method="abstractive", options={**GREEDY, "max_new_tokens": 16},
                              registry=Registry([bart]))
    assert isinstance(results[0], Summary) and isinstance(results[3], Summary)
    assert isinstance(results[1], ModelError) and "poisoned" in results[1].message
    assert results[2].code == "invalid_input"  # type: ignore[union-attr]


def test_an_absent_model_fails_alone_in_a_batch(bart: AbstractiveMethod) -> None:
    config = AbstractiveConfig(models={**bart.config.models, "ghost": ModelSpec("ghost", "nobody/ghost")},
                               default=bart.config.default, torch_threads=1)
    method = AbstractiveMethod(config)
    doc = build_document(ARTICLE)
    ok = Request(method, options=Options({**GREEDY, "max_new_tokens": 12}))
    ghost = Request(method, options=Options({"model": "ghost"}))
    results = method.summarize_many([doc, doc], [ok, ghost])
    assert isinstance(results[0], Summary)
    assert isinstance(results[1], MethodUnavailable)
    assert results[1].fix == "summarize models download ghost"


@pytest.mark.parametrize("policy", ["truncate", "chunk", "extract"])
def test_each_long_input_policy_on_a_20000_word_document(bart: AbstractiveMethod, long_document: str,
                                                         policy: str) -> None:
    assert count_words(long_document) == 20_000
    result = run(bart, long_document, options={**GREEDY, "long_input": policy, "max_new_tokens": 40})
    extra = result.input.extra
    assert extra["long_input"] == policy and extra["tokens"] > 1024
    assert result.summary and result.kind == "abstractive"
    if policy == "chunk":
        assert extra["chunks"] > 1 and extra["levels"] >= 1
    else:
        assert extra["truncated"] is True
        assert any("over the model" in w for w in result.warnings)
    if policy == "extract":
        assert 1 < extra["sentences_kept"] < result.input.sentences


def test_t5_chunks_a_long_document(t5: AbstractiveMethod, long_document: str) -> None:
    result = run(t5, long_document, options={**GREEDY, "long_input": "chunk", "max_new_tokens": 30})
    assert result.input.extra["chunks"] > 1 and result.summary


@pytest.fixture
def generated_lengths(bart: AbstractiveMethod, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Tokens generated by each ``model.generate`` call of the tiny BART (decoder start excluded)."""
    model = bart.load().model
    real, lengths = model.generate, []

    def recording(*args, **kwargs):
        out = real(*args, **kwargs)
        lengths.append(out.shape[1] - 1)
        return out

    monkeypatch.setattr(model, "generate", recording)
    return lengths


def test_length_maps_to_token_budgets(bart: AbstractiveMethod, generated_lengths: list[int]) -> None:
    per_word = bart.load().tokens_per_word
    short = run(bart, length={"words": 10}, options=GREEDY)
    longer = run(bart, length={"sentences": 4}, options=GREEDY)
    short_gen, long_gen = short.model["generation"], longer.model["generation"]  # type: ignore[index]
    assert short_gen["max_new_tokens"] < long_gen["max_new_tokens"]
    assert short_gen["max_new_tokens"] <= 10 * per_word * 1.15 + 5
    assert short_gen["min_new_tokens"] <= generated_lengths[0] <= short_gen["max_new_tokens"]
    assert long_gen["min_new_tokens"] <= generated_lengths[1] <= long_gen["max_new_tokens"]
    assert short.length.requested.words == 10 and longer.length.requested.sentences == 4
    assert short.length.words <= 10 or any("over the budget" in w for w in short.warnings)
    assert longer.length.sentences <= 4


def test_explicit_token_limits_bound_the_output(bart: AbstractiveMethod, generated_lengths: list[int]) -> None:
    result = run(bart, options={**GREEDY, "min_new_tokens": 6, "max_new_tokens": 6})
    assert result.model["generation"]["max_new_tokens"] == 6  # type: ignore[index]
    assert generated_lengths == [6]


def test_options_out_of_bounds_through_summarize(bart: AbstractiveMethod) -> None:
    for options in ({"num_beams": 99}, {"max_new_tokens": 10_000}, {"model": "facebook/bart-large"},
                    {"min_new_tokens": 30, "max_new_tokens": 3}):
        with pytest.raises(InvalidOption):
            run(bart, options=options)


def test_unavailable_model_error(tmp_path: Path) -> None:
    method = method_for(tmp_path / "not-there")
    with pytest.raises(MethodUnavailable) as info:
        run(method)
    assert "not-there" in info.value.message and info.value.fix


def test_generation_stops_at_the_callers_deadline(bart: AbstractiveMethod) -> None:
    from summarizers.deadline import remaining, time_limit

    assert remaining() is None
    document = build_document(ARTICLE)
    request = Request("abstractive", options=GREEDY)
    with time_limit(0.0), pytest.raises(SummaryTimeout):
        bart.summarize(document, request)
    with time_limit(60):
        assert 0 < remaining() <= 60
        assert bart.summarize(document, request).summary  # within the limit: an ordinary summary

"""The CTranslate2 backend: conversion (with the converter's two traps), equal outputs with
transformers on the tiny models, backend choice, and ``summarize models convert`` run for real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures import cli_in_process

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("ctranslate2")

import itertools

from summarizers.errors import MethodUnavailable
from summarizers.methods.abstractive import AbstractiveMethod
from summarizers.methods.abstractive.config import AbstractiveConfig, ModelSpec
from summarizers.methods.abstractive.convert import (
    complete_config,
    convert,
    converted_dir,
    is_converted,
    vocabulary_of,
)
from summarizers.methods.abstractive.generation_settings import GenerationSettings
from summarizers.methods.abstractive.loader import choose_backend, load_model
from summarizers.testing import TRAINING_TEXT, make_tiny_model

TEXTS = [line for line in TRAINING_TEXT.splitlines() if line.strip()][:5]
ARTICLE = ("Council approves new bridge\n\nThe city council approved plans for a new bridge over the river on "
           "Monday. The bridge will cost about $40m and take three years to build.\nSupporters said it would "
           "cut traffic in the city centre by a third.\n")


class _Tokenizer:
    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab

    def get_vocab(self) -> dict[str, int]:
        return dict(self.vocab)


def test_vocabulary_is_padded_and_cut_to_the_model_size() -> None:
    tok = _Tokenizer({"<s>": 0, "a": 1, "c": 3, "extra": 7})
    assert vocabulary_of(tok, 5) == ["<s>", "a", "<ct2_unused_2>", "c", "<ct2_unused_4>"]
    assert vocabulary_of(tok, 2) == ["<s>", "a"]


def test_missing_config_values_are_set_from_the_architecture() -> None:
    from transformers import BartConfig, PegasusConfig

    bart = BartConfig()
    assert complete_config(bart)["normalize_before"] is False
    assert bart.normalize_before is False and bart.add_final_layer_norm is False
    pegasus = PegasusConfig(scale_embedding=False)
    added = complete_config(pegasus)
    assert pegasus.normalize_before is True and "scale_embedding" not in added
    assert pegasus.scale_embedding is False  # stated values are kept


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ModelSpec, AbstractiveConfig]]:
    """Tiny BART, T5 and PEGASUS, each converted with float32 weights."""
    import torch

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("ct2")
    config = AbstractiveConfig(ct2_dir=str(root / "converted"), ct2_quantization="float32", torch_threads=1)
    out = {}
    for arch in ("bart", "t5", "pegasus"):
        spec = ModelSpec(arch, str(make_tiny_model(root / arch, arch)))
        convert(spec, config)
        out[arch] = (spec, config)
    return out


_LOADED: dict[tuple[str, str], object] = {}


def _ids(arch: str, models: dict, settings: GenerationSettings) -> tuple[list, list]:
    spec, config = models[arch]
    outputs = []
    for backend in ("transformers", "ctranslate2"):
        key = (spec.source, backend)
        if key not in _LOADED:  # each model once per backend for the whole module
            _LOADED[key] = load_model(ModelSpec(spec.name, spec.source, backend=backend), config)
        loaded = _LOADED[key]
        assert loaded.backend == backend
        special = set(loaded.tokenizer.all_special_ids)
        rows = loaded.engine.generate_ids(loaded.tokenizer, TEXTS, settings, loaded.max_input_tokens)
        outputs.append([[t for t in row if t not in special] for row in rows])
    return outputs[0], outputs[1]


@pytest.mark.parametrize("arch", ["bart", "t5", "pegasus"])
def test_conversion_keeps_the_model_vocabulary(arch: str, models: dict) -> None:
    from transformers import AutoTokenizer

    spec, config = models[arch]
    path = converted_dir(spec, config)
    vocab = json.loads((path / "shared_vocabulary.json").read_text(encoding="utf-8"))
    tokenizer = AutoTokenizer.from_pretrained(spec.source)
    assert vocab == [tokenizer.convert_ids_to_tokens(i) for i in range(len(tokenizer))]
    marker = json.loads((path / "summarizers.json").read_text(encoding="utf-8"))
    assert marker["quantization"] == "float32" and marker["vocab_size"] == len(vocab)
    if arch == "bart":  # transformers 5's BartConfig omits it; the converter reads it
        assert marker["implied_config"]["normalize_before"] is False


@pytest.mark.parametrize("arch", ["bart", "t5", "pegasus"])
@pytest.mark.parametrize("beams", [1, 3])
def test_same_tokens_as_transformers(arch: str, beams: int, models: dict) -> None:
    """Greedy (with n-gram blocking) and beam search (without) give the same tokens."""
    settings = GenerationSettings(num_beams=beams, min_new_tokens=4, max_new_tokens=24, length_penalty=2.0,
                                  no_repeat_ngram_size=3 if beams == 1 else 0, early_stopping=True)
    hf, ct2 = _ids(arch, models, settings)
    assert hf == ct2
    assert all(len(row) >= 3 for row in ct2)


def test_beam_search_with_ngram_blocking_never_repeats(models: dict) -> None:
    """The documented difference: beams + no_repeat_ngram_size may choose other tokens than
    transformers, but never repeat an n-gram either, and keep the budget."""
    settings = GenerationSettings(num_beams=3, min_new_tokens=4, max_new_tokens=24, length_penalty=2.0,
                                  no_repeat_ngram_size=2, early_stopping=True)
    hf, ct2 = _ids("bart", models, settings)
    for rows in (hf, ct2):
        for row in rows:
            bigrams = list(itertools.pairwise(row))
            assert len(bigrams) == len(set(bigrams)) and 4 <= len(row) <= 24


def test_auto_picks_ctranslate2_on_cpu_only_when_converted(models: dict, tmp_path: Path) -> None:
    spec, config = models["bart"]
    assert choose_backend(spec, config, "cpu") == "ctranslate2"
    assert choose_backend(spec, config, "cuda") == "transformers"
    elsewhere = AbstractiveConfig(ct2_dir=str(tmp_path / "none"))
    assert not is_converted(spec, elsewhere)
    assert choose_backend(spec, elsewhere, "cpu") == "transformers"
    with pytest.raises(MethodUnavailable) as info:
        choose_backend(ModelSpec(spec.name, spec.source, backend="ctranslate2"), elsewhere, "cpu")
    assert info.value.fix == f"summarize models convert {spec.name}"


def test_the_method_reports_the_backend(models: dict) -> None:
    spec, config = models["bart"]
    method = AbstractiveMethod(AbstractiveConfig.with_default(
        spec.source, ct2_dir=config.ct2_dir, ct2_quantization="float32", torch_threads=1))
    from summarizers import Registry, summarize

    result = summarize(ARTICLE, method="abstractive", registry=Registry([method]),
                       options={"num_beams": 1, "max_new_tokens": 20, "long_input": "truncate"})
    assert result.model["backend"] == "ctranslate2" and result.model["dtype"] == "float32"
    assert result.summary


@pytest.mark.timeout(900)
def test_cli_converts_then_summarizes_with_ctranslate2(tmp_path: Path) -> None:
    model = make_tiny_model(tmp_path / "bart", "bart")
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"), "SUMMARIZE_TORCH_THREADS": "1",
           "SUMMARIZE_ABSTRACTIVE_MODEL": str(model), "SUMMARIZE_MODELS": "", "SUMMARIZE_BACKEND": "auto"}
    converted = cli_in_process("models", "convert", "bart", env=env)
    assert converted.returncode == 0, converted.stderr
    assert "converted for CTranslate2 at" in converted.stdout
    assert str(tmp_path / "hf" / "ctranslate2") in converted.stdout
    done = cli_in_process("text", str(article), "--method", "abstractive", "--json", "--num-beams", "1",
                          "--max-new-tokens", "20", env=env)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["model"]["backend"] == "ctranslate2" and summary["model"]["dtype"].startswith("int8")
    listed = {r["name"]: r for r in json.loads(cli_in_process("models", "list", "--json", env=env).stdout)}
    assert listed["bart"]["converted"] is True and listed["bart"]["backend"] == "auto"

"""No crash on a configured model: a tiny BART whose position tables hold 256 positions gets its
token budget and input capped (with a warning) on both backends, through the library and the
CLI (a news article, and a 20,000-word file with every long-input policy); a model that fails
while generating is one line on the CLI's stderr (a traceback only with --debug) and a 500
envelope with the request id over HTTP."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures import cli_in_process

pytest.importorskip("torch")
pytest.importorskip("transformers")

from summarizers import Registry, summarize
from summarizers.methods.abstractive import AbstractiveMethod
from summarizers.methods.abstractive.config import AbstractiveConfig
from summarizers.methods.abstractive.generation_settings import GenerationSettings, cap_to_model
from summarizers.testing import TRAINING_TEXT, make_tiny_model

pytestmark = pytest.mark.slow

POSITIONS = 256
ARTICLE = (
    "Council approves new bridge\n\n"
    "The city council approved plans for a new bridge over the river on Monday. "
    "The bridge will cost about $40m and take three years to build.\n"
    "Supporters said it would cut traffic in the city centre by a third. "
    "Critics warned that the figures did not add up.\n"
)


def long_text(words: int, seed: int = 0) -> str:
    """``words`` words of varied news-like sentences, five to a paragraph."""
    vocabulary = sorted({w.strip('.,:"$%') for w in TRAINING_TEXT.split()} - {""})
    rng = random.Random(seed)
    paragraphs, sentences, total = [], [], 0
    while total < words:
        n = rng.randint(10, 22)
        sentence = " ".join(rng.choice(vocabulary) for _ in range(n))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        total += n
        if len(sentences) == 5:
            paragraphs.append(" ".join(sentences))
            sentences = []
    paragraphs.append(" ".join(sentences))
    return "\n\n".join(p for p in paragraphs if p)


@pytest.fixture(scope="module")
def small_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_model(tmp_path_factory.mktemp("limits") / "bart-256", "bart", max_positions=POSITIONS)


def test_cap_to_model_is_pure_and_warns() -> None:
    settings = GenerationSettings(4, 300, 400, 2.0, 3, True)
    capped, warning = cap_to_model(settings, 255, "m")
    assert (capped.min_new_tokens, capped.max_new_tokens) == (255, 255)
    assert warning and "255" in warning and "400" in warning
    assert cap_to_model(settings, None, "m") == (settings, None)
    assert cap_to_model(settings, 400, "m") == (settings, None)


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_budget_at_the_cap_generates_on_both_backends(small_bart: Path, backend: str, tmp_path: Path) -> None:
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    config = AbstractiveConfig.with_default(str(small_bart), torch_threads=1, backend=backend,
                                            ct2_dir=str(tmp_path / "ct2"))
    if backend == "ctranslate2":
        from summarizers.methods.abstractive.convert import convert

        convert(config.spec(None), config)
    result = summarize(ARTICLE, method="abstractive", registry=Registry([AbstractiveMethod(config)]),
                       options={"num_beams": 1, "min_new_tokens": 400, "max_new_tokens": 400,
                                "no_repeat_ngram_size": 0})
    assert result.model["backend"] == backend
    assert result.model["generation"]["max_new_tokens"] == POSITIONS - 1
    assert result.model["generation"]["min_new_tokens"] == POSITIONS - 1
    assert any("capped at 255" in w for w in result.warnings)
    assert result.input.extra["max_input_tokens"] <= POSITIONS


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``summarize ARGS`` in this process (one torch import for every call), offline, with the
    transformers backend and ``env``."""
    return cli_in_process(*args, env={"HF_HUB_OFFLINE": "1", "SUMMARIZE_TORCH_THREADS": "1", "SUMMARIZE_MODELS": "",
                                      "SUMMARIZE_BACKEND": "transformers", **env})


@pytest.mark.timeout(900)
def test_cli_news_article_and_20000_words_with_every_policy(small_bart: Path, tmp_path: Path) -> None:
    # luhn ranks the sentences of the extract policy: linear, where textrank (the default) is
    # quadratic in the ~1,300 sentences; the policy's path is the same.
    env = {"SUMMARIZE_ABSTRACTIVE_MODEL": str(small_bart), "HF_HOME": str(tmp_path / "hf"),
           "SUMMARIZE_EXTRACT_METHOD": "luhn"}
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    long = tmp_path / "long.txt"
    long.write_text(long_text(20_000), encoding="utf-8")
    policies = ("extract", "chunk", "truncate")
    calls = [["text", str(article), "--method", "abstractive", "--json", "--max-new-tokens", "400"]]
    calls += [["text", str(long), "--method", "abstractive", "--json", "--long-input", p, "--num-beams", "1"]
              for p in policies]
    done = [cli(call, env) for call in calls]
    assert [d.returncode for d in done] == [0, 0, 0, 0], [d.stderr[-3000:] for d in done]
    assert not any("Traceback" in d.stderr for d in done)
    data = json.loads(done[0].stdout)
    assert data["summary"] and data["model"]["generation"]["max_new_tokens"] == POSITIONS - 1
    assert any("capped" in w for w in data["warnings"])
    for policy, each in zip(policies, done[1:], strict=True):
        data = json.loads(each.stdout)
        assert data["input"]["long_input"] == policy and data["input"]["max_input_tokens"] <= POSITIONS
        assert data["input"]["words"] > 19_000 and data["summary"]
        assert data["input"]["truncated"] is True or policy == "chunk"
        assert data["model"]["generation"]["max_new_tokens"] <= POSITIONS - 1


@pytest.fixture(scope="module")
def broken_bart(small_bart: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with a tokenizer that knows one token the model's embedding table lacks:
    any text with that word fails inside the model (an IndexError in torch)."""
    from transformers import AutoTokenizer

    path = tmp_path_factory.mktemp("broken") / "bart-broken"
    shutil.copytree(small_bart, path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.add_tokens(["zzyzx"])
    tokenizer.save_pretrained(path)
    return path


BROKEN_TEXT = "The zzyzx council approved the zzyzx bridge on Monday. It will cost $40m to build zzyzx.\n"


@pytest.mark.timeout(900)
def test_generation_failure_is_one_line_on_the_cli(broken_bart: Path, tmp_path: Path) -> None:
    article = tmp_path / "broken.txt"
    article.write_text(BROKEN_TEXT, encoding="utf-8")
    env = {"SUMMARIZE_ABSTRACTIVE_MODEL": str(broken_bart), "HF_HOME": str(tmp_path / "hf")}
    args = ["text", str(article), "--method", "abstractive", "--num-beams", "1"]
    done = cli(args, env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("summarize: error: model 'bart-broken' failed while generating (transformers)")
    debug = cli(["--debug", *args], env)
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "IndexError" in debug.stderr


def test_generation_failure_is_a_500_envelope_with_the_request_id(broken_bart: Path) -> None:
    pytest.importorskip("flask")
    from summarizers_service.app import create_app

    method = AbstractiveMethod(AbstractiveConfig.with_default(str(broken_bart), torch_threads=1,
                                                              backend="transformers"))
    app = create_app({"preload": []}, registry=Registry([method]))
    client = app.test_client()
    response = client.post("/v1/summarize", json={"text": BROKEN_TEXT, "method": "abstractive"},
                           headers={"X-Request-Id": "req-broken-1"})
    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == "model_error" and "failed while generating" in error["message"]
    assert error["details"]["request_id"] == response.headers["X-Request-Id"] == "req-broken-1"
    assert "Traceback" not in response.get_data(as_text=True)

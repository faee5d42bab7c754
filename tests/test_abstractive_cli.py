"""``summarize`` with the abstractive method: a tiny model named by ``SUMMARIZE_ABSTRACTIVE_MODEL``
(in this process), and an empty cache with ``HF_HUB_OFFLINE=1`` (in a new process: the Hugging
Face libraries read both when first imported)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from fixtures import cli as run_cli
from fixtures import cli_in_process

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (
    "Council approves new bridge\n\n"
    "The city council approved plans for a new bridge over the river on Monday. "
    "The bridge will cost about $40m and take three years to build.\n"
    "Supporters said it would cut traffic in the city centre by a third.\n"
)


OFFLINE = {"HF_HUB_OFFLINE": "1", "SUMMARIZE_TORCH_THREADS": "1"}


def cli(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={**OFFLINE, **env}, timeout=timeout)


def in_process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return cli_in_process(*args, env={**OFFLINE, **env})


@pytest.fixture
def empty_cache(tmp_path: Path) -> dict[str, str]:
    """An empty Hugging Face cache, offline, and no model configured by the caller's shell."""
    return {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(tmp_path / "hf" / "hub"),
            "SUMMARIZE_ABSTRACTIVE_MODEL": "", "SUMMARIZE_MODELS": ""}


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_offline_empty_cache_reports_unavailable(empty_cache: dict[str, str]) -> None:
    done = cli(["methods", "--json"], empty_cache)
    assert done.returncode == 0, done.stderr
    entry = next(m for m in json.loads(done.stdout) if m["name"] == "abstractive")
    assert entry["available"] is False and "not in the local Hugging Face cache" in entry["reason"]
    assert entry["fix"] == "summarize models download distilbart-cnn-12-6"


def test_offline_empty_cache_text_fails_fast_with_one_line(empty_cache: dict[str, str], article: Path) -> None:
    started = time.monotonic()
    done = cli(["text", str(article), "--method", "abstractive"], empty_cache, timeout=60)
    assert time.monotonic() - started < 30
    assert done.returncode == 3 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "abstractive" in lines[0] and "summarize models download distilbart-cnn-12-6" in lines[0]


def test_models_list_and_offline_download(empty_cache: dict[str, str], tmp_path: Path) -> None:
    listed = cli(["models", "list", "--json"], {**empty_cache, "SUMMARIZE_MODELS": f"mine={tmp_path}/m"})
    assert listed.returncode == 0, listed.stderr
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["distilbart-cnn-12-6"]["default"] and not rows["distilbart-cnn-12-6"]["present"]
    assert rows["mine"]["local_directory"] and not rows["mine"]["present"]
    table = cli(["models", "list"], empty_cache)
    assert "* distilbart-cnn-12-6" in table.stdout and "absent" in table.stdout
    download = cli(["models", "download", "t5-small"], empty_cache, timeout=60)
    assert download.returncode == 1 and "Traceback" not in download.stderr
    assert "could not download" in download.stderr and "HF_HUB_OFFLINE" in download.stderr
    unknown = cli(["models", "download", "no-such-model"], empty_cache)
    assert unknown.returncode == 1 and "must be one of" in unknown.stderr


@pytest.mark.slow
def test_text_with_a_tiny_model_from_the_environment(tiny_bart_dir: Path, article: Path) -> None:
    env = {"SUMMARIZE_ABSTRACTIVE_MODEL": str(tiny_bart_dir), "SUMMARIZE_MODELS": ""}
    done = in_process(["text", str(article), "--method", "abstractive", "--json", "--num-beams", "1",
                "--max-new-tokens", "20", "--long-input", "truncate"], env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["kind"] == "abstractive" and data["summary"]
    assert data["model"]["name"] == tiny_bart_dir.name and data["model"]["source"] == str(tiny_bart_dir)
    assert data["input"]["tokens"] > 20 and data["input"]["long_input"] == "truncate"
    assert data["input"]["truncated"] is False
    listed = in_process(["models", "list", "--json"], env)
    assert {r["name"]: r["present"] for r in json.loads(listed.stdout)}[tiny_bart_dir.name] is True
    bad = in_process(["text", str(article), "--method", "abstractive", "--num-beams", "64"], env)
    assert bad.returncode == 1 and "options.num_beams" in bad.stderr and "Traceback" not in bad.stderr

"""Shared fixtures. Data from ../shared is optional: tests that need it skip without it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SUMMARIZE_SHARED_DIR", ROOT.parent / "shared"))
BBC = SHARED / "datasets" / "bbc-news-summary" / "bbc-news-summary.jsonl"
SAMPLE = SHARED / "samples" / "scraped-news-article.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no test may reach the hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def need_shared(path: Path) -> None:
    """Skip a test whose data from ../shared is absent; fail it instead under CI (``CI`` set)."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} not present (CI needs ../shared)")
        pytest.skip(f"{path} not present")


@pytest.fixture(scope="session")
def sample_article() -> str:
    """The scraped news page from ../shared/samples (skips when absent, fails under CI)."""
    need_shared(SAMPLE)
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bbc_articles() -> list[dict]:
    """The BBC News Summary records (skips when absent, fails under CI)."""
    need_shared(BBC)
    with BBC.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


# --- abstractive: tiny random seq2seq models built locally (no download) -----------------------

def _tiny_model(factory: pytest.TempPathFactory, architecture: str) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from summarizers.testing import make_tiny_model

    return make_tiny_model(factory.mktemp(f"tiny-{architecture}") / f"tiny-{architecture}", architecture)


@pytest.fixture(scope="session")
def tiny_bart_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BART with a locally trained tokenizer, saved with save_pretrained."""
    return _tiny_model(tmp_path_factory, "bart")


@pytest.fixture(scope="session")
def tiny_t5_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random T5 with a locally trained tokenizer, saved with save_pretrained."""
    return _tiny_model(tmp_path_factory, "t5")

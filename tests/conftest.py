"""Shared fixtures. Data from ../shared is optional on a developer's machine (tests that need it
skip without it) but required in CI: when the ``CI`` environment variable is set, a missing file
fails those tests instead, so that CI cannot go green without them."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from service_helpers import Broken, FailingModel, GatedAbstractive, Unavailable, make_app

from summarizers import Registry
from summarizers.methods.lead import LeadMethod
from summarizers.methods.newsrank import NewsRankMethod
from summarizers.methods.sumy_methods import sumy_methods

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SUMMARIZE_SHARED_DIR", ROOT.parent / "shared"))
BBC = SHARED / "datasets" / "bbc-news-summary" / "bbc-news-summary.jsonl"
SAMPLE = SHARED / "samples" / "scraped-news-article.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no test may reach the hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Apps built by tests keep their jobs in a fresh temporary database, never in the working tree.
os.environ.setdefault("SUMMARIZE_JOBS_DB", os.path.join(tempfile.mkdtemp(prefix="summarize-jobs-test-"), "jobs.db"))


def require_shared(path: Path) -> Path:
    """``path`` (a file of ../shared); when absent, fail under CI and skip elsewhere."""
    if not path.exists():
        message = f"{path} not present (set SUMMARIZE_SHARED_DIR to the shared data folder)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the tests that need it", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def sample_article() -> str:
    """The scraped news page from ../shared/samples (see :func:`require_shared`)."""
    return require_shared(SAMPLE).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bbc_articles() -> list[dict]:
    """The BBC News Summary records (see :func:`require_shared`)."""
    with require_shared(BBC).open(encoding="utf-8") as f:
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


# --- the service: test doubles in an injected registry (see service_helpers.py) -----------------

@pytest.fixture
def gated() -> Iterator[GatedAbstractive]:
    """A model-backed double whose work waits on its gates (released at the end)."""
    method = GatedAbstractive()
    yield method
    method.gate.set()  # never leave a pool thread waiting
    method.load_gate.set()


@pytest.fixture
def registry(gated: GatedAbstractive) -> Registry:
    """The service tests' registry: two real fast methods and the test doubles."""
    methods = [
        NewsRankMethod(),  # the default method
        LeadMethod(),
        *[m for m in sumy_methods() if m.name == "lexrank"],
        gated,
        Unavailable(),
        Broken(),
        FailingModel(),
    ]
    return Registry(methods)


@pytest.fixture
def client(registry: Registry) -> FlaskClient:
    """A test client of an app on :func:`registry`, nothing preloaded."""
    return make_app(registry).test_client()

"""Shared fixtures. Data from ../shared is optional on a developer's machine (tests that need it
skip without it) but required in CI: when the ``CI`` environment variable is set, a missing file
fails those tests instead, so that CI cannot go green without them."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis.configuration import set_hypothesis_home_dir
from service_helpers import Broken, FailingModel, GatedAbstractive, Unavailable, make_app

from summarizers import Registry
from summarizers.methods.lead import LeadMethod
from summarizers.methods.newsrank import NewsRankMethod
from summarizers.methods.sumy_methods import sumy_methods

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SUMMARIZE_SHARED_DIR", ROOT.parent / "shared"))
BBC = SHARED / "datasets" / "bbc-news-summary" / "bbc-news-summary.jsonl"
MULTILING = SHARED / "datasets" / "multiling2011" / "multiling2011.jsonl"
SAMPLE = SHARED / "samples" / "scraped-news-article.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no test may reach the hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# What the run itself keeps goes to one temporary folder, never into the working tree (removed at
# the end): apps built by tests keep their jobs in a fresh database there, hypothesis its examples.
RUN_TMP = Path(tempfile.mkdtemp(prefix="summarize-tests-"))
os.environ.setdefault("SUMMARIZE_JOBS_DB", str(RUN_TMP / "jobs.db"))
set_hypothesis_home_dir(RUN_TMP / "hypothesis")


# --- tests write only under temporary folders --------------------------------------------------

#: Folders the guard does not list: caches of the tools, and git's own.
UNWATCHED = frozenset({".git", ".pytest_cache", "__pycache__", ".ruff_cache", ".venv"})
_LISTING = pytest.StashKey[dict[Path, frozenset[str]]]()


def listing(root: Path) -> frozenset[str]:
    """Every file and folder under ``root`` (relative paths), caches left out (:data:`UNWATCHED`)."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in UNWATCHED)
        here = Path(folder).relative_to(root)
        found.update(str(here / name) for name in (*dirs, *files))
    return frozenset(found)


def watched() -> list[Path]:
    """Where no test may write: the working tree, and the shared data when present."""
    return [ROOT, *([SHARED] if SHARED.is_dir() else [])]


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_LISTING] = {root: listing(root) for root in watched()}


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run when a file or folder appeared in the working tree or the shared data
    during it: tests write only under temporary folders."""
    before = session.config.stash.get(_LISTING, {})
    new = sorted(str(root / path) for root, old in before.items() for path in listing(root) - old)
    if new:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep("=", "files written outside temporary folders", red=True)
            for path in new:
                reporter.write_line(path)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(RUN_TMP, ignore_errors=True)


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

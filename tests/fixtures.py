"""What many test modules share: the ``summarize`` command line run as a subprocess, and
made-up news articles (deterministic, from a seed)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SUBJECTS = ["The council", "A spokesman", "The company", "Investors", "The minister", "Local residents",
             "The union", "Researchers", "The club", "Police"]
_VERBS = ["announced", "rejected", "welcomed", "questioned", "delayed", "approved", "criticised", "reviewed"]
_OBJECTS = ["the new budget", "plans for a stadium", "a rise in prices", "the annual report",
            "talks on pensions", "a bid for the firm", "the transport strategy", "fresh safety rules"]
_TAILS = ["on Monday", "after weeks of debate", "despite strong objections", "in a short statement",
          "ahead of the election", "for the second time this year"]


def cli(
    *args: str, stdin: bytes | str | None = None, env: dict[str, str] | None = None, timeout: float = 120,
    binary: bool = False,
) -> subprocess.CompletedProcess:
    """Run the real ``summarize`` command line (``python -m summarizers.cli.main ARGS``) from the
    repository root, with this environment plus ``env``; text output unless ``binary``."""
    if isinstance(stdin, bytes) and not binary:
        stdin = stdin.decode()
    return subprocess.run([sys.executable, "-m", "summarizers.cli.main", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=not binary, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)


def article_sentences(seed: int, sentences: int = 6) -> list[str]:
    """``sentences`` deterministic news-like sentences."""
    rng = random.Random(seed)
    return [f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}."
            for _ in range(sentences)]


def article(seed: int, sentences: int = 6) -> str:
    """A deterministic news-like text of ``sentences`` sentences in two paragraphs."""
    made = article_sentences(seed, sentences)
    half = sentences // 2
    return " ".join(made[:half]) + "\n" + " ".join(made[half:])

"""Slow documents in the processes a test starts (tests/slow_site/sitecustomize.py)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(__file__).resolve().parent / "slow_site"


def slow_documents(seconds: float, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` (this process's by default) in which each extractive document of every Python
    process started with it takes ``seconds`` more."""
    base = dict(os.environ if env is None else env)
    path = os.pathsep.join(p for p in (str(SITE), base.get("PYTHONPATH") or str(ROOT)) if p)
    return {**base, "PYTHONPATH": path, "SLOW_DOCUMENT_SECONDS": str(seconds)}

"""Imported once by the forkserver of the killable children (:mod:`.child`) of job workers, batch runs and the
service's per-request children (never elsewhere).

Each document process then starts warm and single-threaded: numeric libraries limited to one
thread, the library and its built-in extractive methods imported, and one tiny summary computed
so lazily built tables (stemmers, stop words, segmenters) are shared by every child.
"""

from __future__ import annotations

import logging
import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # each child runs one document on one core

import summarizers  # noqa: E402

_TEXT = (
    "The council approved the new budget on Monday after a long debate.\n"
    "Officials said the plan would fund schools and repair the city's roads.\n"
    "The vote was seven to two, and the budget takes effect next month.\n"
)


def warm(registry: summarizers.Registry) -> None:
    """Compute one tiny summary with each extractive method of ``registry`` (best effort)."""
    for method in registry:
        if method.kind == "extractive":
            try:
                summarizers.summarize(_TEXT, method=method.name, length={"sentences": 1}, registry=registry)
            except Exception:  # best effort; a real document reports any problem
                logging.getLogger(__name__).debug("warming %s failed", method.name, exc_info=True)


warm(summarizers.default_registry(plugins=False))

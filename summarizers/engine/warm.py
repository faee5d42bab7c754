"""Imported once by the forkserver of the killable children (:mod:`.child`) of job workers,
batch runs, digests and the service's per-request children (never elsewhere).

Each child then starts warm and single-threaded: numeric libraries limited to one thread, the
library and its built-in extractive methods imported, and one tiny summary computed with each
(:func:`~.child.warm_registry`) so lazily built tables (stemmers, stop words, segmenters) are
shared by every child.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # each child runs one document on one core

from ..registry import default_registry  # noqa: E402
from .child import warm_registry  # noqa: E402

warm_registry(default_registry(plugins=False))

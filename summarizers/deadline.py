"""Cooperative time limits: a deadline that long-running steps check and obey.

A caller that must stop work after some seconds (the HTTP service runs abstractive generation
in a thread, which cannot be killed) sets a deadline around the call; code that can stop early
(``model.generate(max_time=...)``, loops over chunks) asks :func:`remaining` how long it may
still run and calls :func:`check` between steps. Without a deadline both are no-ops.

>>> with time_limit(30):
...     summarize(text, method="abstractive")   # raises SummaryTimeout after about 30 s
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import SummaryTimeout

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("summarize_deadline", default=None)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Run the block under a deadline ``seconds`` from now (nested limits: the earliest wins)."""
    now = time.monotonic()
    current = _deadline.get()
    limit = (now + seconds, seconds)
    if current is not None and current[0] <= limit[0]:
        limit = current
    token = _deadline.set(limit)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (never below 0), or ``None`` when there is none."""
    current = _deadline.get()
    return None if current is None else max(0.0, current[0] - time.monotonic())


def check() -> None:
    """Raise :class:`SummaryTimeout` when the deadline has passed.

    Raises:
        SummaryTimeout: with ``limit_seconds``, the limit that was set.
    """
    current = _deadline.get()
    if current is not None and time.monotonic() >= current[0]:
        raise SummaryTimeout(f"the summary took longer than its {current[1]:g} s limit",
                             limit_seconds=current[1])

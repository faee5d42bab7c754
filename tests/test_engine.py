"""The run engine's pieces in this process: the in-flight window, the pools' one protocol, and
the one chunk worker keeping its prepared requests across chunks and jobs."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fixtures import article

from summarizers import Input, Registry
from summarizers.batch import ChunkWorker, Item
from summarizers.engine import InFlight, LocalPool, ThreadPool, run_ordered
from summarizers.methods.lead import LeadMethod


def test_the_window_holds_at_most_its_capacity_and_gives_the_oldest_first() -> None:
    window: InFlight[int] = InFlight(2)
    window.add(1)
    assert not window.full
    window.add(2)
    assert window.full and len(window) == 2 and list(window) == [1, 2]
    assert window.oldest() == 1 and window.pop() == 1 and window.pop() == 2
    assert not window
    with pytest.raises(ValueError):
        InFlight(0)


class _Slow:
    """A worker that sleeps longer for earlier tasks, recording how many run at once."""

    running = 0
    most = 0
    lock = threading.Lock()

    def __call__(self, n: int) -> int:
        with self.lock:
            type(self).running += 1
            type(self).most = max(type(self).most, type(self).running)
        time.sleep(0.02 * (5 - n % 5))
        with self.lock:
            type(self).running -= 1
        return n * n


@pytest.mark.parametrize("make_pool", [lambda: ThreadPool(_Slow, 3), lambda: LocalPool(_Slow, 1)])
def test_run_ordered_emits_in_task_order_with_a_bounded_window(make_pool: Any) -> None:
    _Slow.most = 0
    pool = make_pool()
    emitted: list[int] = []
    submitted = 0

    def tasks() -> Any:
        nonlocal submitted
        for n in range(12):
            assert submitted - len(emitted) <= 4  # never more than the window in flight
            submitted += 1
            yield (n,)

    try:
        run_ordered(pool, tasks(), emitted.append, capacity=4)
    finally:
        pool.close()
    assert emitted == [n * n for n in range(12)]
    assert _Slow.most <= pool.workers


class CountingRegistry(Registry):
    """A registry counting the requests it reads back from their wire forms."""

    read = 0

    def from_wire(self, *args: Any, **kwargs: Any) -> Any:
        self.read += 1
        return super().from_wire(*args, **kwargs)


def test_one_chunk_worker_prepares_each_request_once_across_chunks_and_jobs() -> None:
    registry = CountingRegistry([LeadMethod()])
    worker = ChunkWorker(registry_factory=lambda: registry)
    chunk = [Item(id=i, line=i + 1, input=Input(text=article(i))) for i in range(3)]
    one = registry.prepare("lead").to_wire()
    two = registry.prepare("lead", {"sentences": 1}).to_wire()
    for request in (one, two, one, two):
        out = worker(chunk, request)
        assert [r["id"] for r in out] == [0, 1, 2] and all("result" in r for r in out)
    assert registry.read == 2  # one per distinct request, however many chunks and jobs

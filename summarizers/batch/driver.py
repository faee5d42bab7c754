"""The driver of a batch run: reads items, skips what is done, feeds a pool, writes lines.

The driver is the only writer of the output file (the sink), whichever pool computes, so every
pool gives the same guarantees. Chunks are collected in the order they were submitted, so the output
lists the input's new records in input order (a resumed run appends after what was there).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from ..engine.pool import Pool, run_ordered
from .items import Item
from .output import OutputFile, Report
from .progress import Progress

#: Records per chunk: the unit of work sent to a worker and of each write to the output.
DEFAULT_CHUNK_SIZE = 16


def run_batch(
    items: Iterable[Item],
    output: OutputFile,
    pool: Pool,
    *,
    retry_failed: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
) -> Report:
    """Summarize every item whose id is not yet in ``output``; one line per id.

    Duplicate ids: the first occurrence is summarized, later ones are counted in
    ``Report.duplicates`` and get no line. The pool is closed at the end. ``items`` is read
    once, as the pool takes work.

    Raises:
        BatchError: the output cannot be used, or a worker died (what was written is kept).
        ValueError: ``chunk_size`` below 1.
        OSError: the output cannot be written.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    report = Report()
    start = time.monotonic()

    def write(records: list[dict[str, Any]]) -> None:
        output.append(records)
        failed = sum(1 for r in records if "error" in r)
        report.done += len(records) - failed
        report.failed += failed
        if progress is not None:
            progress.update(len(records) - failed, failed)

    def chunks(existing: dict[str, bool]) -> Iterator[tuple[list[Item]]]:
        seen: set[str] = set()
        chunk: list[Item] = []
        for item in items:
            key = item.key
            if key in seen:
                report.duplicates.append(item.id)
                continue
            seen.add(key)
            if not item.id_given and item.error is None:
                report.missing_ids += 1
            done = existing.get(key)
            if done is not None:
                report.skipped += 1
                report.skipped_failed += not done
                continue
            chunk.append(item)
            if len(chunk) >= chunk_size:
                yield (chunk,)
                chunk = []
        if chunk:
            yield (chunk,)

    try:
        existing = output.open(retry_failed=retry_failed)
        report.repaired, report.output_duplicates = existing.repaired, existing.duplicates
        run_ordered(pool, chunks(existing.status), write)
    finally:
        try:
            pool.close()
        finally:
            output.close()
            if progress is not None:
                progress.close()
            report.seconds = time.monotonic() - start
    return report

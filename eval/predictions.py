"""``predictions.jsonl``: one line per (document, method), appended as results are made.

Each line is written whole, then flushed and synced, so that a run killed at any moment
leaves every finished result on disk and at most one torn last line, which
:func:`read_predictions` cuts off before the run goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from .errors import EvalError

PREDICTIONS_FILE = "predictions.jsonl"
Key = tuple[str, str]


def repair_tail(path: Path) -> int:
    """Cut off anything after the last newline of ``path`` (a line torn by a kill).

    Returns the number of bytes removed (0 when the file is whole or absent).
    """
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb+") as f:
        block = 1 << 16
        end = size
        while end > 0:
            start = max(0, end - block)
            f.seek(start)
            chunk = f.read(end - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            end = start
        else:
            keep = 0
        if keep < size:
            f.truncate(keep)
            f.flush()
            os.fsync(f.fileno())
    return size - keep


def read_predictions(path: Path, *, repair: bool = False) -> dict[Key, dict[str, Any]]:
    """The records of a predictions file by ``(id, method)``; a later line replaces an earlier.

    With ``repair`` a torn last line is removed from the file first; without it, it is ignored.

    Raises:
        EvalError: a line other than the last that is not a JSON record with ``id`` and ``method``.
    """
    if repair:
        repair_tail(path)
    records: dict[Key, dict[str, Any]] = {}
    if not path.exists():
        return records
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    last = len(lines) - 1  # the piece after the final newline: empty, or a torn line
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            key = (str(record["id"]), str(record["method"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            if number - 1 == last:
                break
            raise EvalError(f"{path}, line {number}: not a prediction record; the file is damaged "
                            "(move it away to start again)") from None
        records[key] = record
    return records


class PredictionWriter:
    """Appends records to a predictions file, each batch flushed and synced to disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def __enter__(self) -> PredictionWriter:
        self._file = open(self.path, "a", encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def write(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Append ``records``, one JSON line each, and sync them to disk.

        Raises:
            RuntimeError: when used outside its ``with`` block.
        """
        if self._file is None:
            raise RuntimeError("PredictionWriter.write outside its with block")
        data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
        if data:
            self._file.write(data)
            self._file.flush()
            os.fsync(self._file.fileno())

"""The output of a batch run: its lines (:func:`encode`, :func:`parse_line`), the file they are
written to (:class:`OutputFile`), what it already holds (:class:`Existing`), the end-of-run
:class:`Report`, and the errors that stop a run."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.errors import EngineError, WorkerFailed
from ..engine.ray import EngineUnavailable
from ..engine.sink import JsonlSink, encode_compact
from .items import id_key

#: Error code of a document that failed for a reason that is not the caller's (a bug, a crash).
INTERNAL_ERROR = "internal_error"

#: A batch run cannot start or go on (an unusable output, a run already writing it, a dead worker).
BatchError = EngineError

__all__ = ["INTERNAL_ERROR", "BatchError", "EngineUnavailable", "Existing", "OutputFile", "Report", "WorkerFailed",
           "encode", "line_key", "parse_line"]


def encode(record: Mapping[str, Any]) -> bytes:
    """One output line: compact JSON, UTF-8, newline-terminated.

    A record that cannot be written (a value JSON cannot hold) becomes an error line for its id
    rather than stopping the run.
    """
    try:
        return encode_compact(record)
    except (TypeError, ValueError, RecursionError) as exc:
        head = {"id": record.get("id"), **({"id_generated": True} if record.get("id_generated") is True else {})}
        return encode_compact({**head, "error": {
            "code": INTERNAL_ERROR, "message": f"the result could not be written as JSON: {exc}", "details": {}}})


@dataclass
class Report:
    """What a run did. ``done``/``failed`` count lines written by this run; ``skipped`` the
    records whose id was already in the output (``skipped_failed`` of them as errors)."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    skipped_failed: int = 0
    duplicates: list[str | int] = field(default_factory=list)
    missing_ids: int = 0
    seconds: float = 0.0
    repaired: str | None = None
    output_duplicates: int = 0

    @property
    def ok(self) -> bool:
        """True when no record of the input ends with an error line."""
        return self.failed == 0 and self.skipped_failed == 0

    @property
    def rate(self) -> float:
        """Documents written per second by this run."""
        return (self.done + self.failed) / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        """The end-of-run summary, one line each, for standard error."""
        out = [
            f"{self.done} done, {self.failed} failed, {self.skipped} skipped (already in the output"
            + (f", {self.skipped_failed} of them errors: rerun with --retry-failed" if self.skipped_failed else "")
            + f"); {self.done + self.failed} in {self.seconds:.1f}s ({self.rate:.1f} docs/s)"
        ]
        if self.duplicates:
            shown = ", ".join(map(str, self.duplicates[:10])) + (" ..." if len(self.duplicates) > 10 else "")
            out.append(f"{len(self.duplicates)} duplicate id(s) in the input, only the first occurrence "
                       f"of each was summarized: {shown}")
        if self.missing_ids:
            out.append(f"{self.missing_ids} record(s) had no id; their output lines use the id \"line:N\" "
                       "(N: the input line) with \"id_generated\": true")
        if self.repaired:
            out.append(self.repaired)
        if self.output_duplicates:
            out.append(f"the output already held {self.output_duplicates} line(s) repeating an earlier id "
                       "(not written by a batch run?); the first line of each id counts")
        return out


def line_key(record: Any) -> str | None:
    """The id key of a batch output record (``id`` and exactly one of ``result``/``error``), else ``None``."""
    if not isinstance(record, dict) or "id" not in record or ("result" in record) == ("error" in record):
        return None
    return id_key(record["id"], generated=record.get("id_generated") is True)


def parse_line(raw: bytes) -> tuple[str, bool] | None:
    """``(id key, is a result)`` for a well-formed output line, ``None`` for anything else."""
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    key = line_key(record)
    return None if key is None else (key, "result" in record)


@dataclass
class Existing:
    """What an output file already holds: for each id key, whether its line is a result."""

    status: dict[str, bool] = field(default_factory=dict)
    duplicates: int = 0
    repaired: str | None = None

    @property
    def failed(self) -> int:
        """How many ids have an error line."""
        return sum(1 for ok in self.status.values() if not ok)


class OutputFile(JsonlSink[str, bool]):
    """The output of a batch run: the engine's :class:`~summarizers.engine.sink.JsonlSink` with
    batch lines (``{"id", "result"}`` or ``{"id", "error"}``), keyed by id."""

    def __init__(self, path: str | Any, *, fsync: bool = True) -> None:
        super().__init__(path, line_key, value=lambda r: "result" in r, encode=encode, fsync=fsync,
                         line_name="batch output line",
                         busy="another batch run is writing {path}; wait for it or stop it")

    def open(self, *, retry_failed: bool = False) -> Existing:  # type: ignore[override]
        """Lock the file, cut a torn tail, read which ids are done; ``retry_failed`` drops error lines.

        Raises:
            BatchError: another run writes the file, it is a directory, or it is damaged.
            OSError: when the file cannot be created or read.
        """
        scan = super().open()
        existing = Existing(scan.records, scan.duplicates, scan.repaired)
        if retry_failed and existing.failed:
            try:
                self._rewrite_without(lambda r: "error" in r)
            except BaseException:
                self.close()
                raise
            existing.status = {k: ok for k, ok in existing.status.items() if ok}
        return existing

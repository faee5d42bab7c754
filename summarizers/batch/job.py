"""Value types of a batch run: one input item, the output file, the report, the errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.errors import EngineError, WorkerFailed
from ..engine.ray import EngineUnavailable
from ..engine.sink import JsonlSink, encode_compact
from ..errors import InvalidInput
from ..request import Input

#: Error code of a document that failed for a reason that is not the caller's (a bug, a crash).
INTERNAL_ERROR = "internal_error"

#: A batch run cannot start or go on (an unusable output, a run already writing it, a dead worker).
BatchError = EngineError

__all__ = ["INTERNAL_ERROR", "BatchError", "EngineUnavailable", "Existing", "Item", "OutputFile", "Report",
           "WorkerFailed", "encode", "id_key", "parse_line"]

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


@dataclass(frozen=True, slots=True)
class Item:
    """One input record, ready to be summarized or already known to be bad.

    Attributes:
        id: the record's id as given (a string or an integer), or ``"line:N"`` when it had none
            (its output line then says ``"id_generated": true``).
        line: the 1-based line of the input it came from.
        input: the document (text, HTML or URL, title...); ``None`` for a bad record.
        method: a per-record method override, or ``None``.
        length: a per-record length override (an int or a mapping), or ``None``.
        error: for a bad record, the error line's ``{"code", "message", "details"}``.
        id_given: whether the record had its own id (``False`` for generated ``"line:N"`` ids).
        extra: the values of the record's :attr:`Fields.extra` fields that it has (e.g. the
            digest's ``source``, ``published``, ``language``), or ``None``.
    """

    id: str | int
    line: int
    input: Input | None = None
    method: Any = None
    length: Any = None
    error: Mapping[str, Any] | None = None
    id_given: bool = True
    extra: Mapping[str, Any] | None = None

    @property
    def key(self) -> str:
        """The id as compared when resuming: its JSON form, so ``5`` and ``"5"`` differ, and a
        generated id apart from every given one (a given ``"line:2"`` is not line 2's own id)."""
        return id_key(self.id, generated=not self.id_given)

    def size(self) -> int:
        """The UTF-8 size of the record's text, page or URL (0 for a bad record or bytes)."""
        body = self.input.body if self.input is not None and self.error is None else None
        return len(body.encode("utf-8", "surrogatepass")) if isinstance(body, str) else 0


#: Prefix of the key of a generated id. A given id's key is its JSON form, which opens with a
#: quote, a digit or a minus sign, so the two kinds of keys can never be equal.
_GENERATED = "generated:"


def id_key(value: Any, *, generated: bool = False) -> str:
    """The key under which an id is remembered: its compact JSON form, or for an id the batch
    generated (``"id_generated": true`` on its line) that form after a prefix no JSON form has."""
    key = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _GENERATED + key if generated else key


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


def document_head(index: int, doc: Mapping[str, Any], fields: tuple[str, ...] = ("text", "html", "title")
                  ) -> tuple[dict[str, Any], Input | None]:
    """The start of the stored form of one submitted document (its index and id, for a summary
    job and a digest alike) and its :class:`~summarizers.request.Input` (of the given ``fields``
    only); a document the input refuses (not exactly one of ``text``, ``html`` or ``url``...) has
    none and its head carries the error."""
    given = doc.get("id") is not None
    item: dict[str, Any] = {"i": index, "id": doc["id"] if given else index, "id_given": given}
    try:
        return item, Input.from_mapping({k: doc[k] for k in fields if k in doc}, where=f"document {index}",
                                        prefix=f"documents.{index}.")
    except InvalidInput as exc:
        item["error"] = exc.to_dict()
        return item, None

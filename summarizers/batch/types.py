"""Value types of a batch run: the job settings, one input item, the final report, the errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MethodUnavailable, SummarizerError

#: Error code of a document that failed for a reason that is not the caller's (a bug, a crash).
INTERNAL_ERROR = "internal_error"


class BatchError(SummarizerError):
    """A batch run cannot start or go on: an unusable output file, a run already writing it,
    a worker that died. Nothing written so far is lost; rerunning resumes."""

    code = "batch_error"


class WorkerFailed(BatchError):
    """A worker process or actor died mid-run (killed, out of memory, cluster lost).

    The lines already written are kept; running the same command again finishes the job.
    """

    code = "worker_failed"


class EngineUnavailable(MethodUnavailable):
    """The requested engine cannot run here (``--engine ray`` without Ray installed)."""

    code = "engine_unavailable"


@dataclass(frozen=True)
class Settings:
    """What every document of a job shares (a line may override ``method`` and ``length``).

    Attributes:
        method: the default method name.
        length: the default length as given (``{"sentences": 3}``...), or ``None``.
        language: a language name or ISO code.
        options: method options (``order``, ``model``, ``num_beams``...).
    """

    method: str = "lexrank"
    length: Mapping[str, Any] | int | None = None
    language: str = "english"
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Item:
    """One input record, ready to be summarized or already known to be bad.

    Attributes:
        id: the record's id as given (a string or an integer), or ``"line:N"`` when it had none.
        line: the 1-based line of the input it came from.
        text: the text (or HTML, when ``html``) to summarize; ``None`` for a bad record.
        html: whether ``text`` holds an HTML page.
        url: whether ``text`` holds the URL of an article page to fetch.
        title: the article's headline, when the record gives one.
        method: a per-record method override, or ``None``.
        length: a per-record length override (an int or a mapping), or ``None``.
        error: for a bad record, the error line's ``{"code", "message", "details"}``.
        id_given: whether the record had its own id (``False`` for ``"line:N"`` ids).
    """

    id: str | int
    line: int
    text: Any = None
    html: bool = False
    url: bool = False
    title: str | None = None
    method: Any = None
    length: Any = None
    error: Mapping[str, Any] | None = None
    id_given: bool = True

    @property
    def key(self) -> str:
        """The id as compared when resuming: its JSON form, so ``5`` and ``"5"`` differ."""
        return id_key(self.id)

    def document(self) -> dict[str, Any]:
        """The mapping :func:`summarizers.summarize_batch` takes for this record."""
        doc: dict[str, Any] = {"url" if self.url else "html" if self.html else "text": self.text}
        if self.title:
            doc["title"] = self.title
        return doc


def id_key(value: Any) -> str:
    """The key under which an id is remembered (its compact JSON form)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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
                       "(N: the input line)")
        if self.repaired:
            out.append(self.repaired)
        if self.output_duplicates:
            out.append(f"the output already held {self.output_duplicates} line(s) repeating an earlier id "
                       "(not written by a batch run?); the first line of each id counts")
        return out

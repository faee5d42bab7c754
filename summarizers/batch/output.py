"""The output file of a batch run: one JSON line per input id, written whole, resumable.

Guarantees (for both engines: only the driver process writes):

* every line is written by one ``write`` of complete lines and the file is ``fsync``-ed after
  each chunk, so a killed run leaves at most a torn *last* line, which the next run removes;
* a run started again with the same output skips the ids already there;
* ``retry_failed`` first rewrites the file without its error lines (atomically: a temporary
  file renamed over it), so those ids are summarized again;
* two runs cannot write the same file at once (an exclusive ``flock`` on it).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .job import BatchError, id_key

try:  # POSIX; elsewhere a second concurrent run is not detected
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


@dataclass
class Existing:
    """What an output file already holds: for each id key, whether its line is a result.

    ``repaired`` says what was dropped from the end of the file (a torn line), if anything.
    """

    status: dict[str, bool] = field(default_factory=dict)
    duplicates: int = 0
    repaired: str | None = None

    @property
    def failed(self) -> int:
        """How many ids have an error line."""
        return sum(1 for ok in self.status.values() if not ok)


def parse_line(raw: bytes) -> tuple[str, bool] | None:
    """``(id key, is a result)`` for a well-formed output line, ``None`` for anything else."""
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or "id" not in record or ("result" in record) == ("error" in record):
        return None
    return id_key(record["id"]), "result" in record


def encode(record: Mapping[str, Any]) -> bytes:
    """One output line: compact JSON, UTF-8 (not ASCII-escaped), newline-terminated."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


class OutputFile:
    """An append-only JSON Lines output, locked for the duration of a run.

    Use as a context manager or call :meth:`open` and :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = True) -> None:
        self.path = os.fspath(path)
        self.fsync = fsync
        self._fd: int | None = None

    def open(self, *, retry_failed: bool = False) -> Existing:
        """Lock the file (creating it), repair a torn end, and read which ids are done.

        With ``retry_failed`` the error lines are removed first, so their ids are redone.

        Raises:
            BatchError: the file is being written by another run, is a directory, or holds a
                line that is not a batch output line before its end.
            OSError: when the file cannot be created or read.
        """
        if os.path.isdir(self.path):
            raise BatchError(f"output {self.path} is a directory", field="out")
        self._fd = self._open_locked()
        try:
            existing = self._scan()
            if retry_failed and existing.failed:
                self._drop_errors()
                existing.status = {k: ok for k, ok in existing.status.items() if ok}
        except BaseException:
            self.close()
            raise
        return existing

    def append(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Append whole lines with one write, then flush them to disk.

        Raises:
            OSError: when the disk refuses them (full, read-only...).
        """
        if self._fd is None:
            raise BatchError("output file is not open", field="out")
        data = b"".join(encode(r) for r in records)
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        if self.fsync:
            os.fsync(self._fd)

    def close(self) -> None:
        """Flush, unlock and close the file (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                if self.fsync:
                    os.fsync(fd)
            finally:
                os.close(fd)

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open_locked(self) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise BatchError(f"another batch run is writing {self.path}; wait for it or stop it",
                                 field="out") from None
        return fd

    def _scan(self) -> Existing:
        """Read the done ids; cut an unreadable tail (a torn last line) off the file."""
        existing = Existing()
        good_end = 0  # offset just past the last well-formed line
        bad_line: int | None = None  # first malformed line after good_end
        with open(self.path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                parsed = parse_line(raw) if raw.endswith(b"\n") else None
                if parsed is None:
                    if bad_line is None:
                        bad_line = number
                    continue
                if bad_line is not None:
                    raise BatchError(
                        f"{self.path} line {bad_line} is not a batch output line (and valid lines follow "
                        "it); fix the file or write to another one", field="out", line=bad_line)
                key, ok = parsed
                if key in existing.status:
                    existing.duplicates += 1
                else:
                    existing.status[key] = ok
                good_end = f.tell()
            size = f.tell()
        if size > good_end:
            os.ftruncate(self._fd, good_end)  # type: ignore[arg-type]
            os.fsync(self._fd)  # type: ignore[arg-type]
            existing.repaired = (f"removed {size - good_end} byte(s) of incomplete output from the end of "
                                 f"{self.path} (line {bad_line}, left by an interrupted run)")
            log.info("%s", existing.repaired)
        return existing

    def _drop_errors(self) -> None:
        """Rewrite the file without its error lines: temporary file, fsync, rename, relock."""
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix=".retry-", suffix=".jsonl", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out, open(self.path, "rb") as src:
                for raw in src:
                    parsed = parse_line(raw)
                    if parsed is not None and parsed[1]:
                        out.write(raw)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, os.stat(self.path).st_mode & 0o777)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        _fsync_dir(directory)
        old, self._fd = self._fd, None
        try:
            self._fd = self._open_locked()
        finally:
            os.close(old)  # type: ignore[arg-type]


def _fsync_dir(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on every platform
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)

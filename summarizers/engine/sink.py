"""The one durable JSON Lines results file: whole lines, one torn-tail rule, a lock, resume.

Used by ``summarize batch`` (its output file) and ``summarize-eval run`` (``predictions.jsonl``).
Guarantees, whatever writes through it:

* records are appended by one ``write`` of complete lines and ``fsync``-ed after each append,
  so a process killed at any moment leaves every appended record on disk and at most a torn
  tail;
* **the torn-tail rule**: the lines after the last valid line (a line is valid when it ends with
  a newline and the ``key`` function accepts its JSON) are cut off when the file is opened
  again; an invalid line *followed by* a valid one is damage, refused with the line number and
  the file left untouched;
* the first line of each key counts (later ones are counted as duplicates), so resuming skips
  every key already there;
* ``drop`` rewrites the file without some lines (``--retry-failed``) atomically: a temporary
  file, fsync'd, renamed over it;
* two writers cannot hold the same file at once (an exclusive ``flock``).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from .errors import EngineError

try:  # POSIX; elsewhere a second concurrent writer is not detected
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")


def encode_compact(record: Mapping[str, Any]) -> bytes:
    """One line: compact JSON, UTF-8 (not ASCII-escaped), newline-terminated.

    A record holding a string that is not text (half a surrogate pair) is written ASCII-escaped
    instead, so that writing never fails on it.
    """
    try:
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, separators=(",", ":")) + "\n").encode("ascii")


@dataclass
class Scan(Generic[K, V]):
    """What a results file already holds: ``value(record)`` by key, in file order.

    ``duplicates`` counts lines repeating an earlier key (ignored); ``repaired`` says what was
    cut from the end of the file (a torn tail), if anything.
    """

    records: dict[K, V] = field(default_factory=dict)
    duplicates: int = 0
    repaired: str | None = None


def _parse(raw: bytes, key: Callable[[Any], K | None]) -> tuple[K, Any] | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    try:
        k = key(record)
    except (KeyError, TypeError, ValueError):
        return None
    return None if k is None else (k, record)


def _scan(f: IO[bytes], path: str, key: Callable[[Any], K | None], value: Callable[[Any], V],
          line_name: str) -> tuple[Scan[K, V], int, int | None]:
    """Read ``f``: the scan, the offset just past the last valid line, the first bad line after it.

    Raises:
        EngineError: an invalid line followed by a valid one.
    """
    scan: Scan[K, V] = Scan()
    good_end, bad_line = 0, None
    for number, raw in enumerate(f, start=1):
        parsed = _parse(raw, key)
        if parsed is None:
            if bad_line is None:
                bad_line = number
            continue
        if bad_line is not None:
            raise EngineError(f"{path} line {bad_line} is not a {line_name} (and valid lines follow it); the "
                              "file is damaged: fix it or write to another one", field="out", line=bad_line)
        k, record = parsed
        if k in scan.records:
            scan.duplicates += 1
        else:
            scan.records[k] = value(record)
        good_end = f.tell()
    return scan, good_end, bad_line


def read_jsonl(path: str | os.PathLike[str], key: Callable[[Any], K | None],
               value: Callable[[Any], V] = lambda r: r, *, line_name: str = "result line") -> Scan[K, V]:
    """Read a results file without locking or repairing it (a torn tail is ignored).

    Raises:
        EngineError: an invalid line followed by a valid one.
        OSError: the file cannot be read (a missing file reads as empty).
    """
    if not os.path.exists(path):
        return Scan()
    with open(path, "rb") as f:
        return _scan(f, os.fspath(path), key, value, line_name)[0]


class JsonlSink(Generic[K, V]):
    """An append-only JSON Lines results file, locked while open.

    Args:
        path: the file (created when absent).
        key: the key of a parsed line, or ``None`` when the line is not a record of this file.
        value: what :meth:`open` keeps of each record (default: the record itself).
        encode: a record to one newline-terminated line of bytes.
        fsync: sync after every append (off only in tests of speed).
        line_name: how errors name a line ("batch output line", "prediction record").
        busy: the message when another process holds the file (``{path}`` is filled in).

    Use as a context manager or call :meth:`open` and :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], key: Callable[[Any], K | None], *,
                 value: Callable[[Any], V] = lambda r: r,
                 encode: Callable[[Mapping[str, Any]], bytes] = encode_compact, fsync: bool = True,
                 line_name: str = "result line",
                 busy: str = "another run is writing {path}; wait for it or stop it") -> None:
        self.path = os.fspath(path)
        self.key, self.value, self.encode = key, value, encode
        self.fsync = fsync
        self.line_name, self.busy = line_name, busy
        self._fd: int | None = None

    def open(self, *, drop: Callable[[Any], bool] | None = None) -> Scan[K, V]:
        """Lock the file (creating it), cut a torn tail, and read what it holds.

        Args:
            drop: records for which this is true are removed from the file first (atomically).

        Raises:
            EngineError: another process writes the file, it is a directory, or it is damaged.
            OSError: the file cannot be created or read.
        """
        if os.path.isdir(self.path):
            raise EngineError(f"output {self.path} is a directory", field="out")
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._fd = self._open_locked()
        try:
            scan = self._read_and_repair()
            if drop is not None:
                self._rewrite_without(drop)
                scan = self._read_and_repair()
        except BaseException:
            self.close()
            raise
        return scan

    def append(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Append whole lines with one write, then sync them to disk.

        Raises:
            EngineError: the sink is not open.
            OSError: the disk refuses them (full, read-only...).
        """
        if self._fd is None:
            raise EngineError("output file is not open", field="out")
        data = b"".join(self.encode(r) for r in records)
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        if self.fsync and data:
            os.fsync(self._fd)

    def close(self) -> None:
        """Sync, unlock and close the file (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                if self.fsync:
                    os.fsync(fd)
            finally:
                os.close(fd)

    def __enter__(self) -> JsonlSink[K, V]:
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
                raise EngineError(self.busy.format(path=self.path), field="out") from None
        return fd

    def _read_and_repair(self) -> Scan[K, V]:
        with open(self.path, "rb") as f:
            scan, good_end, bad_line = _scan(f, self.path, self.key, self.value, self.line_name)
            size = f.tell()
        if size > good_end:
            os.ftruncate(self._fd, good_end)  # type: ignore[arg-type]
            os.fsync(self._fd)  # type: ignore[arg-type]
            scan.repaired = (f"removed {size - good_end} byte(s) of incomplete output from the end of "
                             f"{self.path} (line {bad_line}, left by an interrupted run)")
            log.info("%s", scan.repaired)
        return scan

    def _rewrite_without(self, drop: Callable[[Any], bool]) -> None:
        """Rewrite the file without the dropped lines: temporary file, fsync, rename, relock."""
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix=".retry-", suffix=".jsonl", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out, open(self.path, "rb") as src:
                for raw in src:
                    parsed = _parse(raw, self.key)
                    if parsed is not None and not drop(parsed[1]):
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

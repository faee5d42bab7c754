"""Progress of a batch run: a tqdm bar on a terminal, a periodic one-line log otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import IO, Any, Literal

Mode = Literal["auto", "bar", "log", "off"]


class Progress:
    """Counts written documents and shows documents per second and, for a file, how much of it
    has been read and the time left: the input is read once, so the share done is the bytes
    read so far (``position()``) against the file's ``size``.

    Args:
        size: bytes of the input (``None`` when unknown, e.g. standard input).
        position: bytes of the input read so far (the stream's ``tell``); with ``size``.
        mode: ``bar`` (tqdm, in bytes of the input), ``log`` (one line every ``every`` seconds),
            ``off``, or ``auto``: a bar when ``stream`` is a terminal and tqdm is installed, the
            log otherwise.
        every: seconds between log lines.
        stream: where to write (standard error by default).
    """

    def __init__(self, size: int | None = None, position: Callable[[], int] | None = None, mode: Mode = "auto",
                 every: float = 30.0, stream: IO[str] | None = None) -> None:
        self.size = size if position is not None else None
        self._position = position
        self.every = every
        self.stream = stream if stream is not None else sys.stderr
        self.done = self.failed = 0
        self._start = self._last = time.monotonic()
        self._first: tuple[float, int] | None = None  # (time, position) of the first write
        self._bar: Any = None
        if mode == "auto":
            mode = "bar" if _isatty(self.stream) else "log"
        if mode == "bar":
            try:
                from tqdm import tqdm
            except ImportError:  # tqdm is in the batch extra; without it, log lines
                mode = "log"
            else:
                sized = self.size is not None  # bytes of the file read, or documents of a stream
                self._bar = tqdm(total=self.size, unit="B" if sized else "doc", unit_scale=sized, file=self.stream,
                                 dynamic_ncols=True, desc="summarize batch", smoothing=0.1)
        self.mode = mode

    def read(self) -> int | None:
        """Bytes of the input read so far (``None`` without a size)."""
        return self._position() if self._position is not None and self.size is not None else None

    def update(self, done: int, failed: int) -> None:
        """Count ``done`` results and ``failed`` errors just written."""
        self.done += done
        self.failed += failed
        read = self.read()
        if self._first is None:
            self._first = (time.monotonic(), read or 0)
        if self._bar is not None:
            if read is not None:
                self._bar.update(read - self._bar.n)
            else:
                self._bar.update(done + failed)
            self._bar.set_postfix(docs=self.done, failed=self.failed, refresh=False)
        elif self.mode == "log" and time.monotonic() - self._last >= self.every:
            self._last = time.monotonic()
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def line(self) -> str:
        """``summarize batch: 1200 docs, 53.9% of the input, 3 failed, 41.0 docs/s, 0:00:25 left``
        (no share nor time left for standard input)."""
        count = self.done + self.failed
        now = time.monotonic()
        elapsed = now - self._start
        rate = count / elapsed if elapsed > 0 else 0.0
        parts = [f"{count} docs"]
        read = self.read()
        if read is not None and self.size:
            parts.append(f"{100 * min(read, self.size) / self.size:.1f}% of the input")
        parts.append(f"{self.failed} failed")
        parts.append(f"{rate:.1f} docs/s")
        if read is not None and self.size and self._first is not None:
            since, start = now - self._first[0], self._first[1]
            if read >= self.size:
                parts.append("input read")
            elif read > start and since > 0:  # bytes per second since the first write: skipped ids do not count
                parts.append(f"{timedelta(seconds=round((self.size - read) * since / (read - start)))} left")
        return "summarize batch: " + ", ".join(parts)

    def close(self) -> None:
        """End the bar (the log needs nothing)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

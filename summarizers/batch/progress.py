"""Progress of a batch run: a tqdm bar on a terminal, a periodic one-line log otherwise."""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from typing import IO, Any, Literal

Mode = Literal["auto", "bar", "log", "off"]


class Progress:
    """Counts written documents and shows documents per second and the time left.

    Args:
        total: documents expected (``None`` when unknown, e.g. standard input).
        mode: ``bar`` (tqdm), ``log`` (one line every ``every`` seconds), ``off``, or ``auto``:
            a bar when ``stream`` is a terminal and tqdm is installed, the log otherwise.
        every: seconds between log lines.
        stream: where to write (standard error by default).
    """

    def __init__(self, total: int | None = None, mode: Mode = "auto", every: float = 30.0,
                 stream: IO[str] | None = None) -> None:
        self.total = total
        self.every = every
        self.stream = stream if stream is not None else sys.stderr
        self.done = self.failed = 0
        self._start = self._last = time.monotonic()
        self._bar: Any = None
        if mode == "auto":
            mode = "bar" if _isatty(self.stream) else "log"
        if mode == "bar":
            try:
                from tqdm import tqdm
            except ImportError:  # tqdm is in the batch extra; without it, log lines
                mode = "log"
            else:
                self._bar = tqdm(total=total, unit="doc", file=self.stream, dynamic_ncols=True,
                                 desc="summarize batch", smoothing=0.1)
        self.mode = mode

    def set_total(self, total: int | None) -> None:
        """Change the number of documents expected (once the ids already done are known)."""
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def update(self, done: int, failed: int) -> None:
        """Count ``done`` results and ``failed`` errors just written."""
        self.done += done
        self.failed += failed
        if self._bar is not None:
            self._bar.update(done + failed)
            if failed:
                self._bar.set_postfix(failed=self.failed, refresh=False)
        elif self.mode == "log" and time.monotonic() - self._last >= self.every:
            self._last = time.monotonic()
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def line(self) -> str:
        """``summarize batch: 1200/2225 (53.9%), 3 failed, 41.0 docs/s, 0:00:25 left``."""
        count = self.done + self.failed
        elapsed = time.monotonic() - self._start
        rate = count / elapsed if elapsed > 0 else 0.0
        parts = [f"{count}/{self.total} ({100 * count / self.total:.1f}%)" if self.total else f"{count}"]
        parts.append(f"{self.failed} failed")
        parts.append(f"{rate:.1f} docs/s")
        if self.total and rate > 0:
            parts.append(f"{timedelta(seconds=round(max(0, self.total - count) / rate))} left")
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

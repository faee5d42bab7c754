"""Loading models when a worker starts, and telling whether the worker is ready.

Gunicorn imports the app in each worker *after* forking (``preload_app`` is off), so models
load once per worker, never in the master (torch is not fork-safe once used). Loading runs in a
background thread so that the worker answers ``/healthz`` and ``/readyz`` meanwhile.

The service asks the methods themselves, through the model lifecycle every
:class:`~summarizers.Method` has: ``load()`` loads the default model (idempotent, thread-safe;
raises :class:`~summarizers.errors.SummarizerError`), ``loaded()`` tells whether it is loaded
(readiness). Methods without models (the extractive ones) load nothing and are always loaded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from summarizers import Registry, SummarizerError

from .metrics import Metrics

log = logging.getLogger(__name__)

State = Literal["pending", "loading", "loaded", "unavailable", "failed", "not_registered"]

#: States in which a worker can serve: loaded, or known not to be loadable here.
READY_STATES = frozenset({"loaded", "unavailable", "not_registered"})


@dataclass
class PreloadStatus:
    """Where one method's preload stands."""

    state: State = "pending"
    seconds: float | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for ``/readyz``."""
        return {"state": self.state, "seconds": self.seconds, "reason": self.reason}


class Preloader:
    """Loads the models of the methods named in ``SUMMARIZE_PRELOAD``, once, in the background."""

    def __init__(self, registry: Registry, names: Iterable[str], metrics: Metrics) -> None:
        self._registry = registry
        self._metrics = metrics
        self._lock = threading.Lock()
        self._status = {name: PreloadStatus() for name in dict.fromkeys(names)}
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start loading in a daemon thread (a no-op when there is nothing to load)."""
        if self._status and self._thread is None:
            self._thread = threading.Thread(target=self.load_all, name="summarize-preload", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background loading to end; whether it has ended."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def load_all(self) -> None:
        """Load every configured method's models, one after the other (never raises)."""
        for name in list(self._status):
            self._load(name)

    def _load(self, name: str) -> None:
        if name not in self._registry:
            log.warning("SUMMARIZE_PRELOAD names %r, which is not a registered method", name)
            self._set(name, "not_registered", reason=f"no method named {name!r} is registered")
            return
        method = self._registry.get(name)
        status = method.availability()
        if not status.available:
            log.warning("not preloading %s: %s", name, status.reason)
            self._set(name, "unavailable", reason=status.reason)
            return
        if method.loaded():
            self._set(name, "loaded", seconds=0.0)
            return
        self._set(name, "loading")
        started = time.perf_counter()
        try:
            method.load()
        except SummarizerError as exc:
            log.error("preloading %s failed: %s", name, exc.message)
            self._set(name, "failed", reason=exc.message)
            return
        except Exception as exc:  # a broken model must not kill the worker; /readyz reports it
            log.exception("preloading %s failed", name)
            self._set(name, "failed", reason=f"{type(exc).__name__}: {exc}")
            return
        seconds = time.perf_counter() - started
        self._metrics.model_load.labels(method=name).set(seconds)
        log.info("preloaded %s in %.2f s", name, seconds, extra={"method": name, "seconds": seconds})
        self._set(name, "loaded", seconds=seconds)

    def _set(
        self, name: str, state: State, *, seconds: float | None = None, reason: str | None = None
    ) -> None:
        with self._lock:
            self._status[name] = PreloadStatus(state, seconds, reason)

    def state(self, name: str) -> State | None:
        """The preload state of ``name``, or ``None`` when it is not configured for preload."""
        with self._lock:
            status = self._status.get(name)
            return status.state if status else None

    def report(self) -> tuple[bool, dict[str, dict[str, Any]]]:
        """``(ready, per-method status)``: ready when no configured method is loading or failed."""
        with self._lock:
            statuses = {name: s.to_dict() for name, s in self._status.items()}
        for name, entry in statuses.items():
            if entry["state"] == "loaded" and name in self._registry and not self._registry.get(name).loaded():
                entry["state"] = "failed"
                entry["reason"] = "the model reports that it is not loaded"
        ready = all(entry["state"] in READY_STATES for entry in statuses.values())
        return ready, statuses

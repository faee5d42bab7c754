"""Loading models when a worker starts, and telling whether the worker is ready.

Gunicorn imports the app in each worker *after* forking (``preload_app`` is off), so models
load once per worker, never in the master (torch is not fork-safe once used). Loading runs in a
background thread so that the worker answers ``/healthz`` and ``/readyz`` meanwhile.

What the service expects of a model-backed method (duck-typed, see :class:`Preloadable`):

- ``load()``: load the method's configured default model now; idempotent and thread-safe;
  raises :class:`~summarizers.errors.SummarizerError` (``MethodUnavailable``, ``ModelError``).
- ``loaded()``: whether the default model is loaded (optional).
- ``load_seconds``: seconds the load took: a number, or a method returning a mapping of
  seconds by model name (optional; otherwise the service measures the ``load()`` call).
- ``models()``: the configured models as JSON-ready dicts (optional; shown by ``/v1/methods``);
  without it, ``config.models`` (specs with ``name``/``source``) and ``config.default`` are used.

Methods without ``load`` (the extractive ones) have nothing to preload and count as loaded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from summarizers import Method, Registry, SummarizerError

from .metrics import Metrics

log = logging.getLogger(__name__)

State = Literal["pending", "loading", "loaded", "unavailable", "failed", "not_registered"]

#: States in which a worker can serve: loaded, or known not to be loadable here.
READY_STATES = frozenset({"loaded", "unavailable", "not_registered"})


@runtime_checkable
class Preloadable(Protocol):
    """A method with models to load ahead of the first request."""

    def load(self) -> Any:
        """Load the default model (see the module docstring)."""


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
        if not isinstance(method, Preloadable):
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
        seconds = _load_seconds(method) or time.perf_counter() - started
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
            if entry["state"] == "loaded" and name in self._registry:
                still = _loaded(self._registry.get(name))
                if still is False:
                    entry["state"] = "failed"
                    entry["reason"] = "the model reports that it is not loaded"
        ready = all(entry["state"] in READY_STATES for entry in statuses.values())
        return ready, statuses


def configured_models(method: Method) -> list[dict[str, Any]] | None:
    """The method's configured models, or ``None`` when it has none to show.

    From ``method.models()`` when the method has it; otherwise from a ``method.config`` with a
    ``models`` mapping of specs (``name``, ``source``) and a ``default`` name, as the
    abstractive method's configuration has.
    """
    try:
        models = getattr(method, "models", None)
        if callable(models):
            return [{"name": m} if isinstance(m, str) else dict(m) for m in models()]
        config = getattr(method, "config", None)
        specs = getattr(config, "models", None)
        if not isinstance(specs, Mapping):
            return None
        default = getattr(config, "default", None)
        described = []
        for name, spec in specs.items():
            entry: dict[str, Any] = {
                "name": name,
                "source": str(getattr(spec, "source", name)),
                "default": name == default,
            }
            loaded = _loaded(method, name)
            if loaded is not None:
                entry["loaded"] = loaded
            described.append(entry)
        return described
    except Exception:  # describing models must never break /v1/methods
        log.exception("could not list the models of %s", method.name)
        return None


def _load_seconds(method: Method) -> float | None:
    """Seconds the method reports its models took to load (a number, or a mapping by model)."""
    value = getattr(method, "load_seconds", None)
    try:
        value = value() if callable(value) else value
    except Exception:
        return None
    if isinstance(value, Mapping):
        numbers = [v for v in map(_number, value.values()) if v is not None]
        return sum(numbers) if numbers else None
    return _number(value)


def _loaded(method: Method, *args: str) -> bool | None:
    """``method.loaded(*args)`` (or its ``loaded`` attribute) when it is a bool, else ``None``."""
    probe = getattr(method, "loaded", None)
    try:
        value = probe(*args) if callable(probe) else probe
    except Exception:  # a probe with another signature: trust the preload's own outcome
        return None
    return value if isinstance(value, bool) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)

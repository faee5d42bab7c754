"""The one killable child: a process that runs tasks one at a time and can be killed at a limit.

Python threads cannot be stopped, so work whose cost the input decides (one document of a batch
or a job, a digest's article, a request to the service) runs in a child process that can be:

* a task is any picklable ``task(registry) -> value``; the child builds its registry once, when
  it starts (optionally warming it, :func:`warm_registry`), and keeps it for its life;
* the caller waits at most ``timeout`` seconds for the answer, polling ``should_stop`` while it
  waits; past either the child is killed with SIGKILL (its CPU and memory are freed at once);
* the child's address space is capped (``RLIMIT_AS``, ``memory_mb``): a task that needs more
  answers ``"memory"``;
* children are forked from a ``forkserver`` that imported and warmed the library once, so a
  replacement is ready in milliseconds and starts clean (no locks or threads inherited); they
  ignore Ctrl-C and die with the process that started them.

The owners decide what a limit means for their caller: the batch and jobs document limits
(:class:`~summarizers.batch.limits.GuardedChild`) and the service's per-request children
(``summarizers_service.processes``) both run their tasks through :class:`Child`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from ..api import summarize
from ..registry import Registry
from .pool import child_setup

T = TypeVar("T")

#: A unit of work for a child: called with the child's registry, returns something picklable.
Task = Callable[[Registry], Any]
RegistryFactory = Callable[[], Registry]

#: Modules the forkserver imports (and so warms) once, before forking any child.
FORKSERVER_PRELOAD = ["summarizers.engine.warm"]
#: Seconds between two checks of ``should_stop`` while a task runs.
POLL_SECONDS = 0.2


def forkserver_context() -> BaseContext:
    """The ``forkserver`` context with the warm-up preload (``spawn`` where fork is unavailable)."""
    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError:  # pragma: no cover - no fork on this platform
        return multiprocessing.get_context("spawn")
    context.set_forkserver_preload(FORKSERVER_PRELOAD)
    return context


class Child:
    """One child process answering tasks over a pipe (see the module docstring).

    Args:
        registry_factory: builds the child's registry (picklable; called once, in the child).
        memory_mb: the child's address-space limit, or 0 for none.
        warm: compute a tiny summary with each extractive method once started.
        context: the multiprocessing context (default :func:`forkserver_context`).
        name: the process's name.

    The process starts at once; :meth:`wait_ready` waits for it to have built its registry.
    """

    def __init__(self, registry_factory: RegistryFactory, *, memory_mb: int = 0, warm: bool = False,
                 context: BaseContext | None = None, name: str = "summarize-child") -> None:
        context = context or forkserver_context()
        ours, theirs = context.Pipe(duplex=True)
        self.process: Any = context.Process(  # type: ignore[attr-defined]
            target=child_main, args=(theirs, registry_factory, memory_mb, warm), name=name, daemon=True)
        self.process.start()
        theirs.close()
        self.conn: Connection = ours
        self.ready = False
        self.tasks = 0  # tasks answered

    @property
    def pid(self) -> int:
        """The child's pid."""
        return int(self.process.pid)

    def alive(self) -> bool:
        """Whether the child process is running."""
        return bool(self.process.is_alive())

    def wait_ready(self, timeout: float) -> None:
        """Wait until the child has built its registry.

        Raises:
            RuntimeError: it did not within ``timeout`` seconds, or it died while starting.
        """
        if self.ready:
            return
        try:
            if not self.conn.poll(timeout):
                raise RuntimeError(f"the document process did not start within {timeout:g} s")
            self.conn.recv()  # "ready"
        except (EOFError, OSError) as exc:
            raise RuntimeError(f"the document process died while starting: {type(exc).__name__}") from None
        self.ready = True

    def send(self, task: Task) -> None:
        """Send ``task`` (raises what pickling it raises: the child never saw it)."""
        self.conn.send(task)

    def answer(self, timeout: float, should_stop: Callable[[], bool] | None = None) -> tuple[str, Any]:
        """Wait for the answer to the task sent: ``("ok", value)``, ``("error", exception)``,
        ``("memory", None)`` (the task hit the memory limit), or without an answer
        ``("timeout", None)`` after ``timeout`` seconds or ``("stopped", None)`` once
        ``should_stop()`` is true (the child is then still running: kill it).

        Raises:
            EOFError, OSError: the child died before answering.
        """
        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, deadline - time.monotonic())
            if self.conn.poll(left if should_stop is None else min(POLL_SECONDS, left)):
                status, value = self.conn.recv()
                if status == "ready":  # a task sent before the child was ready: it is now
                    self.ready = True
                    continue
                self.tasks += 1
                return status, value
            if should_stop is not None and should_stop():
                return "stopped", None
            if time.monotonic() >= deadline:
                return "timeout", None

    def stop(self, *, kill: bool = True) -> int | None:
        """Kill the child (when ``kill``), reap it, close the pipe; its exit code."""
        if kill and self.process.is_alive():
            with contextlib.suppress(OSError, ValueError):  # already gone
                self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self.conn.close()
        return self.process.exitcode  # type: ignore[no-any-return]


#: The worker a child keeps across its tasks (see :func:`kept`): at most one, by key.
_KEPT: dict[Any, Any] = {}


def kept(key: Any, make: Callable[[], T]) -> T:
    """The worker this process keeps for ``key``, made with ``make()`` on first use: what a task
    run in a child calls so that the child's worker (and its prepared requests) survives from one
    task to the next. A new key replaces the kept worker (a child serves one owner)."""
    worker = _KEPT.get(key)
    if worker is None:
        _KEPT.clear()
        worker = _KEPT[key] = make()
    return worker  # type: ignore[no-any-return]


def exit_reason(code: int | None) -> str:
    """A child's exit code in words."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


_WARM_TEXT = (
    "The council approved the new budget on Monday after a long debate.\n"
    "Officials said the plan would fund schools and repair the city's roads.\n"
    "The vote was seven to two, and the budget takes effect next month.\n"
)


def warm_registry(registry: Registry) -> None:
    """Compute one tiny summary with each extractive method of ``registry`` (best effort), so
    that lazily built tables (stemmers, stop words, segmenters) exist before a task waits."""
    for method in registry:
        if method.kind == "extractive":
            try:
                summarize(_WARM_TEXT, method=method.name, length={"sentences": 1}, registry=registry)
            except Exception:  # best effort; a real document reports any problem
                logging.getLogger(__name__).debug("warming %s failed", method.name, exc_info=True)


def child_main(conn: Connection, factory: RegistryFactory, memory_mb: int, warm: bool) -> None:
    """A child's life: build the registry, say ``ready``, answer tasks until ``conn`` closes."""
    child_setup(1, os.getppid())  # the forkserver (or, with spawn, the owner), which ends with the owner
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    registry = factory()
    if warm:
        warm_registry(registry)  # this registry's own method objects: lazily built tables, before a task waits
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", task(registry))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:  # goes back to the caller, with the traceback as a note
            exc.add_note("in the worker process:\n" + "".join(traceback.format_exception(exc)))
            reply = ("error", exc)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
        except Exception as exc:  # an unpicklable value or exception
            conn.send(("error", RuntimeError(f"cannot send the result back: {type(exc).__name__}: {exc}")))

"""The Ray pool: the same workers as :class:`~.pool.LocalPool` on Ray actors, local or on a cluster.

Each actor (1 CPU, optionally a share of a GPU) builds one worker (for the batch CLI a
:class:`~summarizers.batch.worker.ChunkWorker`), so models load once per actor.
The driver keeps reading, filtering and writing (so the output
guarantees are those of the local pool) and sends chunks to the least busy actor, with a
bounded number in flight. Ray is an optional extra, imported only here, only when used.

Why actors rather than Ray Data: the driver must own the input (bad lines become error lines,
ids already done are skipped) and the output (one writer, whole lines, resumable); Ray Data
would add a second reader and a writer per block. Actors give the same "load once, map many"
with the guarantees unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import MethodUnavailable
from .errors import EngineError, WorkerFailed

log = logging.getLogger(__name__)

INSTALL = "pip install 'summarizers[ray]'"


class EngineUnavailable(MethodUnavailable):
    """The requested engine cannot run here (``--engine ray`` without Ray installed)."""

    code = "engine_unavailable"


def import_ray() -> Any:
    """The ``ray`` module.

    Raises:
        EngineUnavailable: Ray is not installed (the message names the install command).
    """
    try:
        import ray
    except ImportError:
        raise EngineUnavailable(f"--engine ray needs Ray, which is not installed; run: {INSTALL}",
                                reason="ray is not installed", fix=INSTALL, field="engine") from None
    return ray


class _ActorBody:
    """What each actor runs: one worker for the actor's life."""

    def __init__(self, make_worker: Callable[[], Callable[..., Any]]) -> None:
        self.worker = make_worker()

    def run(self, *args: Any) -> Any:
        return self.worker(*args)


class RayPool:
    """Runs tasks on Ray actors (the same interface as :class:`~.pool.LocalPool`).

    Args:
        make_worker: builds each actor's worker (picklable).
        jobs: the number of actors (default: the cluster's CPUs, or GPUs / ``gpus_per_worker``).
        address: a cluster to join (``ray://host:10001`` or ``host:6379``, or ``auto``); ``None``
            starts a local Ray on this machine (stopped again at the end), unless Ray is already
            initialised in this process, which is then used as it is.
        gpus_per_worker: GPUs reserved by each actor (for abstractive models on GPU nodes).
        runtime_env: Ray's runtime environment for the job (e.g. ``{"pip": [...]}``).

    Raises:
        EngineUnavailable: Ray is not installed.
        EngineError: Ray could not start or the cluster could not be reached.
        ValueError: ``jobs`` below 1.
    """

    name = "ray"

    def __init__(self, make_worker: Callable[[], Callable[..., Any]], jobs: int | None = None, *,
                 address: str | None = None, gpus_per_worker: float = 0.0,
                 runtime_env: Mapping[str, Any] | None = None) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        ray = self._ray = import_ray()
        self._owns_ray = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": True}
            if runtime_env:
                kwargs["runtime_env"] = dict(runtime_env)
            if address is None:  # a local Ray of our own: no dashboard, --jobs CPUs
                kwargs["include_dashboard"] = False
                if jobs is not None:
                    kwargs["num_cpus"] = jobs
            try:
                ray.init(address=address, **kwargs)
            except Exception as exc:
                where = f"the Ray cluster at {address}" if address else "a local Ray"
                raise EngineError(f"could not start or join {where}: {exc}", field="ray_address") from exc
            self._owns_ray = True
        self._actors: list[Any] = []
        try:
            self.workers = jobs if jobs is not None else self._default_workers(gpus_per_worker)
            actor = ray.remote(num_cpus=1, num_gpus=gpus_per_worker or 0)(_ActorBody)
            self._actors = [actor.remote(make_worker) for _ in range(self.workers)]
        except Exception:
            self.close()
            raise
        self._busy = [0] * self.workers

    def _default_workers(self, gpus_per_worker: float) -> int:
        resources = self._ray.cluster_resources()
        if gpus_per_worker:
            return max(1, int(resources.get("GPU", 0) / gpus_per_worker))
        return max(1, int(resources.get("CPU", 1)))

    def submit(self, *args: Any) -> tuple[int, Any]:
        """Send a task to the actor with the fewest tasks in flight."""
        index = min(range(self.workers), key=self._busy.__getitem__)
        self._busy[index] += 1
        return index, self._actors[index].run.remote(*args)

    def collect(self, handle: tuple[int, Any]) -> Any:
        """The result of a submitted task (waits for it).

        Raises:
            WorkerFailed: an actor died or the cluster went away; rerun to resume.
        """
        index, ref = handle
        try:
            return self._ray.get(ref)
        except self._ray.exceptions.RayError as exc:
            first = (str(exc).splitlines() or [""])[0]
            raise WorkerFailed(f"a Ray worker failed ({type(exc).__name__}: {first}); "
                             "what was written is kept, rerun the same command to finish") from exc
        finally:
            self._busy[index] -= 1

    def close(self) -> None:
        """Stop the actors, and the local Ray if this pool started it."""
        for actor in self._actors:
            try:
                self._ray.kill(actor)
            except Exception:  # already gone
                log.debug("could not kill a Ray actor", exc_info=True)
        self._actors = []
        if self._owns_ray:
            self._ray.shutdown()
            self._owns_ray = False

"""Where a batch run's chunks are summarized: the engine's local pool or its Ray path.

Both build one :class:`~.worker.ChunkWorker` per process or actor (models load once each) and
take a chunk of items per task; the driver (:mod:`.runner`) is the only writer of the output.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from ..engine.pool import WorkerPool
from ..engine.ray import RayPool
from ..registry import default_registry
from ..request import WireRequest
from .limits import DocumentLimits, LimitedChunkWorker
from .worker import ChunkWorker, RegistryFactory


def chunk_worker(request: WireRequest, registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> Any:
    """The picklable factory of a batch worker: a :class:`~.worker.ChunkWorker`, or with
    ``limits`` a :class:`~.limits.LimitedChunkWorker` (each document in a killable child)."""
    if limits is None:
        return partial(ChunkWorker, request, registry_factory)
    return partial(LimitedChunkWorker, request, registry_factory, limits)


class LocalEngine(WorkerPool[list[dict[str, Any]]]):
    """Summarizes chunks in ``jobs`` processes (or in this process when ``jobs`` is 1).

    Args:
        request: the wire form of the job's prepared request (:meth:`summarizers.Request.to_wire`).
        jobs: the number of worker processes (default: the cores available).
        registry_factory: builds each worker's registry (picklable).
        limits: per-document time, memory and size limits (``None``: none; the CLI always sets them).

    Raises:
        ValueError: when ``jobs`` is below 1.
    """

    def __init__(self, request: WireRequest, jobs: int | None = None,
                 registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> None:
        super().__init__(chunk_worker(request, registry_factory, limits), jobs)


class RayEngine(RayPool):
    """Summarizes chunks on Ray actors (see :class:`~summarizers.engine.ray.RayPool` for the
    arguments; ``limits`` as for :class:`LocalEngine`).

    Raises:
        EngineUnavailable: Ray is not installed.
        BatchError: Ray could not start or the cluster could not be reached.
        ValueError: ``jobs`` below 1.
    """

    def __init__(self, request: WireRequest, jobs: int | None = None, *, address: str | None = None,
                 gpus_per_worker: float = 0.0, runtime_env: Mapping[str, Any] | None = None,
                 registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> None:
        super().__init__(chunk_worker(request, registry_factory, limits), jobs, address=address,
                         gpus_per_worker=gpus_per_worker, runtime_env=runtime_env)

"""The pools a batch run's chunks go to: the run engine's local processes or its Ray actors.

Both build one :class:`~.worker.ChunkWorker` per process or actor (models load once each, its
caches kept across chunks) and take a chunk of items per task; the driver (:mod:`.driver`) is
the only writer of the output.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from ..engine.pool import LocalPool
from ..engine.ray import RayPool
from ..registry import default_registry
from ..request import WireRequest
from .limits import DocumentLimits
from .worker import ChunkWorker, RegistryFactory


def chunk_worker(request: WireRequest, registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> partial[ChunkWorker]:
    """The picklable factory of a batch run's :class:`~.worker.ChunkWorker` (with ``limits``,
    each document in a killable child)."""
    return partial(ChunkWorker, request, registry_factory, limits)


def local_pool(request: WireRequest, jobs: int | None = None, registry_factory: RegistryFactory = default_registry,
               limits: DocumentLimits | None = None) -> LocalPool[list[dict[str, Any]]]:
    """Chunks summarized in ``jobs`` processes (or in this process when ``jobs`` is 1).

    Args:
        request: the wire form of the job's prepared request (:meth:`summarizers.Request.to_wire`).
        jobs: the number of worker processes (default: the cores available).
        registry_factory: builds each worker's registry (picklable).
        limits: per-document time, memory and size limits (``None``: none; the CLI always sets them).

    Raises:
        ValueError: when ``jobs`` is below 1.
    """
    return LocalPool(chunk_worker(request, registry_factory, limits), jobs)


def ray_pool(request: WireRequest, jobs: int | None = None, *, address: str | None = None,
             gpus_per_worker: float = 0.0, runtime_env: Mapping[str, Any] | None = None,
             registry_factory: RegistryFactory = default_registry,
             limits: DocumentLimits | None = None) -> RayPool:
    """Chunks summarized on Ray actors (see :class:`~summarizers.engine.ray.RayPool` for the
    arguments; the others as for :func:`local_pool`).

    Raises:
        EngineUnavailable: Ray is not installed.
        BatchError: Ray could not start or the cluster could not be reached.
        ValueError: ``jobs`` below 1.
    """
    return RayPool(chunk_worker(request, registry_factory, limits), jobs, address=address,
                   gpus_per_worker=gpus_per_worker, runtime_env=runtime_env)

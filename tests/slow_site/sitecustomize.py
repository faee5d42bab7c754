"""Slow documents, for tests that kill a run mid-way (injected by the test, not a production hook).

A test puts this folder first on ``PYTHONPATH`` with ``SLOW_DOCUMENT_SECONDS`` set
(:func:`slow_helpers.slow_documents`): Python imports this module when each of the test's
processes starts (the CLI, gunicorn, job workers, pool and document processes). When such a
process imports the library's method base class, every extractive document then takes that many
seconds more, before it is scored. Nothing is imported here at start (a process that never
summarizes, such as multiprocessing's resource tracker, starts as fast as without it).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import time
from types import ModuleType
from typing import Any

_SECONDS = float(os.environ.get("SLOW_DOCUMENT_SECONDS") or 0)
_TARGET = "summarizers.batch.worker"


def _slow_down(module: ModuleType) -> None:
    worker = module.ChunkWorker
    run = worker.run

    def slow_run(self: Any, chunk: Any, *args: Any, **kwargs: Any) -> Any:
        records = run(self, chunk, *args, **kwargs)
        time.sleep(_SECONDS * len(chunk))
        return records

    worker.run = slow_run


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        _slow_down(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != _TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


if _SECONDS > 0:
    sys.meta_path.insert(0, _Finder())

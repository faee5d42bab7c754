"""Errors of the job engine (the batch CLI and the eval harness show their messages)."""

from __future__ import annotations

from ..errors import SummarizerError


class EngineError(SummarizerError):
    """A job cannot start or go on: an unusable output file, a run already writing it, a worker
    that died. Nothing written so far is lost; running the job again resumes it."""

    code = "batch_error"


class WorkerFailed(EngineError):
    """A worker process or actor died mid-run (killed, out of memory, cluster lost).

    The results already written are kept; running the same job again finishes it.
    """

    code = "worker_failed"

"""``predictions.jsonl``: one line per (document, method), on the engine's durable results file.

Writing, locking and the torn-tail rule are the job engine's
(:class:`summarizers.engine.JsonlSink`); this module only says what a prediction line is: a JSON
object with ``id`` and ``method`` (its key), written with sorted keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from summarizers.engine import EngineError, JsonlSink, read_jsonl

from .errors import EvalError

PREDICTIONS_FILE = "predictions.jsonl"
Key = tuple[str, str]
LINE_NAME = "prediction record"


def prediction_key(record: Any) -> Key | None:
    """``(id, method)`` of a prediction record, ``None`` for anything else."""
    if not isinstance(record, dict) or "id" not in record or "method" not in record:
        return None
    return str(record["id"]), str(record["method"])


def encode_prediction(record: Mapping[str, Any]) -> bytes:
    """One prediction line (sorted keys, UTF-8)."""
    return (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def prediction_sink(path: Path) -> JsonlSink[Key, dict[str, Any]]:
    """The predictions file at ``path`` as the engine's durable sink (open it to lock and resume)."""
    return JsonlSink(path, prediction_key, encode=encode_prediction, line_name=LINE_NAME,
                     busy="another summarize-eval run is writing {path}; wait for it or stop it")


def read_predictions(path: Path) -> dict[Key, dict[str, Any]]:
    """The records of a predictions file by ``(id, method)`` (read-only; a torn tail is ignored).

    Raises:
        EvalError: a line other than the last ones that is not a prediction record.
    """
    try:
        return read_jsonl(path, prediction_key, line_name=LINE_NAME).records
    except EngineError as exc:
        raise EvalError(exc.message) from None

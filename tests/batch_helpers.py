"""Helpers shared by the batch tests: records, fake methods, output readers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fixtures import article

from summarizers import Registry
from summarizers.document import Document
from summarizers.errors import SummarizerError
from summarizers.methods.base import Request
from summarizers.methods.lead import LeadMethod
from summarizers.registry import default_registry
from summarizers.types import Summary


def records(n: int, start: int = 0) -> list[dict[str, Any]]:
    """``n`` input records ``{"id": "doc-00i", "text": ...}``."""
    return [{"id": f"doc-{i:03d}", "text": article(i, 4 + i % 5)} for i in range(start, start + n)]


def write_jsonl(path: Path, rows: Sequence[Any]) -> Path:
    """Write rows (objects, or raw strings written as they are) one per line."""
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


def read_output(path: Path) -> list[dict[str, Any]]:
    """Every line of an output file, parsed (fails on a torn line)."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def by_id(lines: Sequence[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """Output lines keyed by id; fails when an id appears twice."""
    out: dict[Any, dict[str, Any]] = {}
    for line in lines:
        assert line["id"] not in out, f"id {line['id']!r} appears twice"
        out[line["id"]] = line
    return out


class ExplodingLead(LeadMethod):
    """``lead``, except that a text containing BOOM raises an unexpected RuntimeError."""

    name = "exploding"

    def summarize(self, document: Document, request: Request) -> Summary:
        if "BOOM" in document.text:
            raise RuntimeError("kaboom")
        return super().summarize(document, request)


class RecordingAbstractive(LeadMethod):
    """A model-like method: records the order of each batch it is given."""

    name = "fake-abstractive"
    kind = "abstractive"
    batches: list[list[int]]

    def __init__(self) -> None:
        self.batches = []

    def summarize_many(self, documents: Sequence[Document], requests: Sequence[Request]
                       ) -> list[Summary | SummarizerError]:
        self.batches.append([len(d.text) for d in documents])
        return super().summarize_many(documents, requests)


def fake_registry() -> Registry:
    """The built-ins plus the two fake methods (picklable: a module-level function)."""
    registry = default_registry(plugins=False)
    registry.register(ExplodingLead())
    registry.register(RecordingAbstractive())
    return registry

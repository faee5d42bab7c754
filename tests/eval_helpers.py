"""Data and helpers shared by the evaluation tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fixtures import article, article_sentences


def synthetic_records(n: int) -> list[dict[str, Any]]:
    """``n`` small news-like documents with references built from some of their sentences."""
    records = []
    for i in range(n):
        sentences = article_sentences(i, 7)
        document = article(i, 7)
        reference = " ".join(s.replace("announced", "said") for s in sentences[i % 3::3])
        records.append({"id": f"doc-{i:03d}", "title": f"Story {i}", "document": document, "summary": reference})
    return records


def write_dataset(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def numbers(scores: dict[str, Any]) -> dict[str, Any]:
    """scores.json without the timings (the only figures that differ between runs)."""
    return {m: {k: v for k, v in e.items() if k != "docs_per_second"} for m, e in scores["methods"].items()}

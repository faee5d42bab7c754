"""Data and helpers shared by the evaluation tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SUBJECTS = ["The council", "The bank", "Local farmers", "The minister", "Engineers", "The club", "Investors",
            "Scientists"]
ACTIONS = ["announced a plan", "reported losses", "raised concerns", "won an award", "opened a factory",
           "cut prices", "signed a deal", "delayed the project"]
PLACES = ["in Leeds", "in Paris", "near the river", "at the station", "in the north", "on Monday", "last year",
          "this week"]


def synthetic_records(n: int) -> list[dict[str, Any]]:
    """``n`` small news-like documents with references built from some of their sentences."""
    records = []
    for i in range(n):
        sentences = [f"{SUBJECTS[(i + k) % 8]} {ACTIONS[(i * 3 + k) % 8]} {PLACES[(i + 2 * k) % 8]} "
                     f"after {k + 2} months of talks." for k in range(7)]
        document = " ".join(sentences[:3]) + "\n" + " ".join(sentences[3:])
        reference = " ".join(s.replace("talks", "debate") for s in sentences[i % 3::3])
        records.append({"id": f"doc-{i:03d}", "title": f"Story {i}", "document": document, "summary": reference})
    return records


def write_dataset(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def numbers(scores: dict[str, Any]) -> dict[str, Any]:
    """scores.json without the timings (the only figures that differ between runs)."""
    return {m: {k: v for k, v in e.items() if k != "docs_per_second"} for m, e in scores["methods"].items()}

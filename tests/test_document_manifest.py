"""The document stage's removals, headlines and sentences on real text match the saved manifest
(tests/data/document_manifest.json, written by ``python -m summarizers_eval.document_manifest``): a speed
rewrite of the rules must change nothing, and a deliberate change regenerates the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BBC, SAMPLE, SHARED, require_shared

from summarizers_eval.document_manifest import build, differences

MANIFEST = Path(__file__).parent / "data" / "document_manifest.json"
SUMMEVAL = SHARED / "datasets" / "summeval" / "summeval.jsonl"


@pytest.mark.slow
def test_the_document_stage_matches_the_saved_manifest() -> None:
    paths = [require_shared(BBC), require_shared(SUMMEVAL), require_shared(SAMPLE)]
    saved = json.loads(MANIFEST.read_text(encoding="utf-8"))
    diff = differences(saved, build(paths, saved["language"]))
    assert not diff, f"{len(diff)} articles differ:\n" + "\n".join(diff[:20])


def test_differences_name_what_changed() -> None:
    removed = [[0, 5, "boilerplate:share", "Share"]]
    saved = {"articles": {"a": {"digest": "1", "removed": removed}, "b": {"digest": "2"}}}
    today = {"articles": {"a": {"digest": "3"}, "b": {"digest": "2"}, "c": {"digest": "4"}}}
    diff = differences(saved, today)
    assert diff == ["a: no longer removed [0, 5, 'boilerplate:share', 'Share']", "c: only in today"]

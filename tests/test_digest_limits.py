"""The digest's articles under per-document limits (the batch limits' killable child, reused):
an article past its time limit is a ``timeout`` error entry, one past the memory cap or the size
limit an ``input_too_large`` entry, and the other articles' stories are built; without limits
the library prepares articles in-process; the CLI's flags reach the workers."""

from __future__ import annotations

import time
from typing import Any

from hostile_helpers import HUNGRY, SLOW, hostile_registry
from test_digest import BUDGET, FLOOD, MATCH

from summarizers.batch import DocumentLimits
from summarizers.digest import summarize_digest
from summarizers.digest.job import run_digest_chunk


def _articles() -> list[dict[str, Any]]:
    text = " ".join(FLOOD)
    return [
        {"id": "flood", "text": text},
        {"id": "slow", "text": " ".join(BUDGET) + f" The {SLOW} ends here."},
        {"id": "match", "text": " ".join(MATCH)},
        {"id": "hungry", "text": " ".join(MATCH[::-1]) + f" The {HUNGRY} ends here."},
        {"id": "big", "text": " ".join(BUDGET) * 8},
        {"id": "budget", "text": " ".join(BUDGET)},
    ]


def test_an_article_past_its_limits_is_an_error_entry_and_the_other_stories_are_built() -> None:
    limits = DocumentLimits(timeout=1.0, memory_mb=400, max_bytes=len(" ".join(BUDGET)) * 4)
    started = time.monotonic()
    digest = summarize_digest(_articles(), method="lead", length={"sentences": 2},
                              registry_factory=hostile_registry, limits=limits)
    assert time.monotonic() - started < 30  # not the 600 s the slow article asks for
    errors = {e.id: e.error for e in digest.errors}
    assert set(errors) == {"slow", "hungry", "big"}
    assert errors["slow"]["code"] == "timeout" and "1 s limit" in errors["slow"]["message"]
    assert errors["hungry"]["code"] == "input_too_large"
    assert errors["big"]["code"] == "input_too_large"
    assert errors["big"]["details"]["limit"] == limits.max_bytes
    placed = {doc for story in digest.stories for doc in story.documents}
    assert placed == {"flood", "match", "budget"}
    assert all(story.summary for story in digest.stories)


def test_a_digest_job_runs_its_articles_under_the_limits() -> None:
    docs = [{"i": i, "id": a["id"], "id_given": True, "text": a["text"]} for i, a in enumerate(_articles()[:3])]
    records = run_digest_chunk(docs, {"method": "lead", "length": {"sentences": 2}}, hostile_registry,
                               DocumentLimits(timeout=1.0, memory_mb=400))
    by_id = {r["id"]: r for r in records}
    assert by_id["slow"]["error"]["code"] == "timeout"
    assert "story" in by_id["flood"] and "story" in by_id["match"]


def test_inline_limits_use_the_cooperative_deadline_and_no_limits_run_in_process() -> None:
    articles = [a for a in _articles() if a["id"] in ("flood", "big", "budget")]
    limits = DocumentLimits(isolation="inline", max_bytes=len(" ".join(BUDGET)) * 4)
    digest = summarize_digest(articles, method="lead", registry=hostile_registry(), limits=limits)
    assert [e.id for e in digest.errors] == ["big"]
    unlimited = summarize_digest(articles, method="lead", registry=hostile_registry())
    assert not unlimited.errors and len({d for s in unlimited.stories for d in s.documents}) == 3


def test_cli_limit_flags_reach_the_digest(tmp_path: Any, capsys: Any) -> None:
    import json

    from summarizers.cli.main import main

    src = tmp_path / "in.jsonl"
    rows = [{"id": "flood", "text": " ".join(FLOOD)}, {"id": "big", "text": " ".join(BUDGET) * 8}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "digest.json"
    code = main(["digest", str(src), "--out", str(out), "--method", "lead", "--no-progress",
                 "--max-document-bytes", str(len(" ".join(BUDGET)) * 2), "--document-timeout", "30"])
    assert code == 1
    digest = json.loads(out.read_text(encoding="utf-8"))
    assert [e["id"] for e in digest["errors"]] == ["big"]
    assert "--max-document-bytes" in digest["errors"][0]["error"]["message"]
    assert [s["documents"] for s in digest["stories"]] == [["flood"]]
    assert main(["digest", str(src), "--document-timeout", "0"]) == 2
    assert "--document-timeout must be positive" in capsys.readouterr().err

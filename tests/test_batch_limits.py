"""``summarize batch`` under per-document limits (the jobs workers' killable children, reused):
a document past its time limit is a ``timeout`` line, one past the memory cap an
``input_too_large`` line, one over the size limit an ``input_too_large`` line, and the others are
summarized; the CLI's flags reach the workers."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import by_id, read_output, write_jsonl
from fixtures import cli_in_process
from hostile_helpers import HUNGRY, SLOW, hostile_registry

from summarizers.batch import DocumentLimits, OutputFile, local_pool, read_items, run_batch

TEXT = ("The council approved the new budget on Monday. Spending on schools rises by four percent. "
        "Road repairs get a larger share than last year. The vote was close, seven to six.")
def _run(rows: list[dict[str, Any]], out: Path, limits: DocumentLimits, jobs: int = 1) -> Any:
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    pool = local_pool(hostile_registry().prepare("lead").to_wire(), jobs, registry_factory=hostile_registry,
                      limits=limits)
    return run_batch(read_items(io.BytesIO(data), "jsonl"), OutputFile(out), pool, chunk_size=2)


def test_a_document_past_its_limits_is_an_error_line_and_the_others_are_summarized(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": TEXT}, {"id": "slow", "text": TEXT + " " + SLOW},
            {"id": "b", "text": TEXT}, {"id": "hungry", "text": TEXT + " " + HUNGRY},
            {"id": "big", "text": TEXT * 20}, {"id": "c", "text": TEXT}]
    limits = DocumentLimits(timeout=1.0, memory_mb=400, max_bytes=len(TEXT) * 5)
    started = time.monotonic()
    report = _run(rows, tmp_path / "out.jsonl", limits)
    assert time.monotonic() - started < 30  # not the 600 s the slow document asks for
    assert (report.done, report.failed) == (3, 3)
    lines = by_id(read_output(tmp_path / "out.jsonl"))
    assert [line["id"] for line in read_output(tmp_path / "out.jsonl")] == [r["id"] for r in rows]
    assert all("result" in lines[k] for k in "abc")
    assert lines["slow"]["error"]["code"] == "timeout"
    assert "1 s limit" in lines["slow"]["error"]["message"]
    assert lines["hungry"]["error"]["code"] == "input_too_large"
    assert lines["big"]["error"]["code"] == "input_too_large"
    assert lines["big"]["error"]["details"]["limit"] == len(TEXT) * 5
    assert lines["big"]["error"]["details"]["unit"] == "bytes"


@pytest.mark.slow
def test_two_worker_processes_apply_the_limits_too(tmp_path: Path) -> None:
    rows = [{"id": "slow", "text": TEXT + " " + SLOW}, *({"id": f"d{i}", "text": TEXT} for i in range(3))]
    report = _run(rows, tmp_path / "out.jsonl", DocumentLimits(timeout=1.0), jobs=2)
    lines = by_id(read_output(tmp_path / "out.jsonl"))
    assert (report.done, report.failed) == (3, 1) and lines["slow"]["error"]["code"] == "timeout"


@pytest.mark.slow
def test_cli_size_limit_flag_gives_an_error_line_quoting_the_flag(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "small", "text": TEXT}, {"id": "big", "text": TEXT * 10}])
    proc = cli_in_process("batch", str(src), "--out", str(tmp_path / "out.jsonl"), "--jobs", "1", "--method", "lead",
               "--max-document-bytes", str(len(TEXT) * 2), "--document-timeout", "30")
    assert proc.returncode == 1, proc.stderr
    lines = by_id(read_output(tmp_path / "out.jsonl"))
    assert "result" in lines["small"]
    assert lines["big"]["error"]["code"] == "input_too_large"
    assert "--max-document-bytes" in lines["big"]["error"]["message"]
    bad = cli_in_process("batch", str(src), "--out", str(tmp_path / "o2.jsonl"), "--document-timeout", "0")
    assert bad.returncode == 2 and "--document-timeout must be positive" in bad.stderr

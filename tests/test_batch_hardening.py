"""``summarize batch`` never stops on a record, and its workers never outlive a killed driver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from batch_helpers import article, read_output
from slow_helpers import slow_documents
from test_batch import ROOT, _processes_with, cli

from summarizers.batch.reader import id_problem, line_id
from summarizers.engine.sink import encode_compact as encode

GOOD = article(1)
POISON = [
    json.dumps({"id": "a", "text": GOOD}),
    '{"id": "deep", "text": ' + "[" * 5000 + "]" * 5000 + "}",  # RecursionError when read
    '{"id": "huge", "text": "x", "n": 1' + "0" * 5000 + "}",  # more digits than Python converts
    '{"id": "\\udc00", "text": ' + json.dumps(GOOD) + "}",  # an id that cannot be written as UTF-8
    json.dumps({"id": "b", "text": GOOD, "length": {"ratio": 10**400}}),
    json.dumps({"text": GOOD}),  # line 6: gets the id line:6
    json.dumps({"id": "line:6", "text": GOOD}),  # a given id of the same form: its own line too
    json.dumps({"id": "c", "text": "Half \ud800 a pair. More text here."}),
    json.dumps({"id": "d", "text": GOOD, "length": {"words": 20.0}}),
    json.dumps({"id": "e", "text": GOOD, "length": [[[[[[1]]]]]]}),
    json.dumps({"id": "f", "text": GOOD}),
]


@pytest.mark.slow
def test_a_poisoned_file_completes_with_one_line_per_record(tmp_path: Path) -> None:
    jobs = "2"  # worker processes: the records cross a process boundary too
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(POISON) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["batch", str(src), "--out", str(out), "--jobs", jobs, "--progress", "off"]
    first = cli(*args)
    assert first.returncode == 1, first.stderr  # some records failed; none stopped the run
    assert "internal error" not in first.stderr
    lines = read_output(out)
    ids = [(line["id"], line.get("id_generated", False)) for line in lines]
    assert len(ids) == len(set(ids)) == len(POISON)  # every record exactly once, no clash
    outcome = {(line["id"], line.get("id_generated", False)): "result" if "result" in line
               else line["error"]["code"] for line in lines}
    generated = {(f"line:{n}", True) for n in (2, 3, 4, 6)}
    assert outcome == {
        ("a", False): "result", **{k: "invalid_input" for k in generated - {("line:6", True)}},
        ("b", False): "invalid_length", ("line:6", True): "result", ("line:6", False): "result",
        ("c", False): "invalid_input", ("d", False): "result", ("e", False): "invalid_length",
        ("f", False): "result",
    }
    errors = {line["id"]: line["error"]["message"] for line in lines if "error" in line}
    assert "line 4" in errors["line:4"] and "uses the id 'line:4'" in errors["line:4"]
    again = cli(*args)  # a rerun has nothing left to do: the poisoned lines are done too
    assert "0 done, 0 failed, 11 skipped" in again.stderr
    assert read_output(out) == lines


def test_ids_that_cannot_be_written_and_lines_that_always_can() -> None:
    assert id_problem("doc-1") is None and id_problem(12) is None
    assert "surrogate" in id_problem("a\udc00")
    assert id_problem(line_id(3)) is None  # any string is an id, the generated ids' form too
    assert id_problem("x" * 5000) and id_problem(10**30)
    assert json.loads(encode({"id": "a", "error": {"message": "b\ud800"}}))["error"]["message"] == "b\ud800"


@pytest.mark.slow
def test_workers_die_within_a_second_of_a_sigkilled_driver(tmp_path: Path) -> None:
    if not os.path.exists("/proc/self/environ"):
        pytest.skip("needs /proc")
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": article(i)}) + "\n" for i in range(200)), encoding="utf-8")
    marker = uuid.uuid4().hex
    env = {**slow_documents(0.2), "BATCH_KILL_MARKER": marker}
    out = tmp_path / "out.jsonl"
    driver = subprocess.Popen([sys.executable, "-m", "summarizers.cli.main", "batch", str(src), "--out",
                               str(out), "--jobs", "2", "--chunk-size", "2", "--progress", "off"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not out.exists() or len(out.read_bytes().splitlines()) < 6:  # both workers are busy
            assert time.monotonic() < deadline and driver.poll() is None
            time.sleep(0.05)
        assert len(_processes_with(marker)) >= 3  # the driver and its two workers
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait(10)
    killed = time.monotonic()
    while _processes_with(marker) and time.monotonic() - killed < 5:
        time.sleep(0.05)
    assert _processes_with(marker) == []
    assert time.monotonic() - killed < 1.0

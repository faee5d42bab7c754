"""Batch runs end to end: the local engine, resume after SIGKILL, bad lines, --retry-failed,
CSV and standard input, through the library and through ``summarize batch`` (in this process;
in real processes where they are killed)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import by_id, fake_registry, read_output, records, write_jsonl
from fixtures import article, cli, cli_in_process
from slow_helpers import slow_documents

from summarizers import DEFAULT_METHOD, Input
from summarizers.batch import (
    INTERNAL_ERROR,
    OutputFile,
    Progress,
    Report,
    local_pool,
    read_items,
    run_batch,
)
from summarizers.batch.output import EngineUnavailable
from summarizers.engine.ray import import_ray

ROOT = Path(__file__).resolve().parents[1]


def wire(method: str = DEFAULT_METHOD, length: Any = None, **options: Any) -> dict[str, Any]:
    """The wire form of a request prepared by the fake-method registry."""
    return fake_registry().prepare(method, length, options=options).to_wire()


def run_lib(rows: list[Any], out: Path, request: dict[str, Any] | None = None, *, jobs: int = 1,
            retry_failed: bool = False, chunk_size: int = 4) -> Report:
    """``run_batch`` over ``rows`` (objects or raw lines) with the fake-method registry."""
    data = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()
    pool = local_pool(request or wire(), jobs, registry_factory=fake_registry)
    return run_batch(read_items(io.BytesIO(data), "jsonl"), OutputFile(out), pool,
                     retry_failed=retry_failed, chunk_size=chunk_size)


# --- the library --------------------------------------------------------------------------------


def test_results_in_input_order_with_bad_lines_as_errors(tmp_path: Path) -> None:
    rows: list[Any] = records(6)
    rows[1:1] = ["{broken json", {"id": "no-text"}, {"id": "empty", "text": "  "}]
    out = tmp_path / "out.jsonl"
    report = run_lib(rows, out)
    lines = read_output(out)
    assert [line["id"] for line in lines] == ["doc-000", "line:2", "no-text", "empty",
                                              *[f"doc-{i:03d}" for i in range(1, 6)]]
    errors = {line["id"]: line["error"] for line in lines if "error" in line}
    assert set(errors) == {"line:2", "no-text", "empty"}
    assert errors["empty"]["code"] == "invalid_input" and errors["empty"]["message"] == "text is empty"
    assert errors["no-text"]["message"] == "line 3 has no 'text' field"
    for line in lines:
        if "result" in line:
            assert line["result"]["method"] == DEFAULT_METHOD and line["result"]["length"]["sentences"] == 3
    assert (report.done, report.failed, report.skipped, report.ok) == (6, 3, 0, False)


def test_result_is_the_summarize_text_json(tmp_path: Path) -> None:
    from summarizers import summarize

    text = article(42, 8)
    run_lib([{"id": "x", "text": text}], tmp_path / "out.jsonl")
    assert read_output(tmp_path / "out.jsonl")[0]["result"] == summarize(text).to_dict()


def test_per_record_method_and_length_override_the_job(tmp_path: Path) -> None:
    text = article(3, 8)
    rows = [{"id": "default", "text": text},
            {"id": "lead2", "text": text, "method": "lead", "length": {"sentences": 2}},
            {"id": "ratio", "text": text, "length": {"ratio": 0.5}},
            {"id": "int", "text": text, "length": 1},
            {"id": "bad-length", "text": text, "length": {"sentences": 0}},
            {"id": "bad-method", "text": text, "method": "nope"}]
    run_lib(rows, tmp_path / "o.jsonl", wire("random", {"sentences": 3}, seed=7))
    lines = by_id(read_output(tmp_path / "o.jsonl"))
    assert lines["default"]["result"]["method"] == "random"
    assert lines["lead2"]["result"]["method"] == "lead"  # the job's seed option is dropped for lead
    assert lines["lead2"]["result"]["summary"] == " ".join(
        s["text"] for s in lines["lead2"]["result"]["sentences"])
    assert lines["lead2"]["result"]["length"]["requested"] == {"sentences": 2}
    assert lines["ratio"]["result"]["length"]["requested"] == {"ratio": 0.5}
    assert lines["int"]["result"]["length"]["sentences"] == 1
    assert lines["bad-length"]["error"]["code"] == "invalid_length"
    assert lines["bad-method"]["error"]["code"] == "unknown_method"


def test_unexpected_exception_fails_only_its_document(tmp_path: Path, caplog) -> None:
    rows = [{"id": i, "text": article(i) + (" BOOM." if i == 2 else "")} for i in range(5)]
    report = run_lib(rows, tmp_path / "o.jsonl", wire("exploding"), chunk_size=5)
    lines = by_id(read_output(tmp_path / "o.jsonl"))
    assert lines[2]["error"]["code"] == INTERNAL_ERROR and "RuntimeError: kaboom" in lines[2]["error"]["message"]
    assert all("result" in lines[i] for i in (0, 1, 3, 4))
    assert (report.done, report.failed) == (4, 1)
    assert "failed" in caplog.text


def test_model_methods_get_their_documents_in_length_order(tmp_path: Path) -> None:
    registry = fake_registry()
    from summarizers.batch import ChunkWorker, Item

    worker = ChunkWorker(registry.prepare("fake-abstractive").to_wire(), lambda: registry)
    texts = [article(i, n) for i, n in enumerate((9, 3, 6, 4))]
    out = worker.run([Item(id=i, line=i + 1, input=Input(text=t)) for i, t in enumerate(texts)])
    (batch,) = registry.get("fake-abstractive").batches
    assert batch == sorted(batch)
    assert [r["id"] for r in out] == [0, 1, 2, 3]  # back in input order
    assert [r["result"]["input"]["characters"] for r in out] == [len(t) for t in texts]


def test_duplicate_ids_keep_the_first_and_are_reported(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": article(1)}, {"id": "b", "text": article(2)},
            {"id": "a", "text": article(3)}, {"text": article(4)}]
    report = run_lib(rows, tmp_path / "o.jsonl")
    lines = by_id(read_output(tmp_path / "o.jsonl"))
    assert set(lines) == {"a", "b", "line:4"}
    assert lines["a"]["result"]["input"]["characters"] == len(article(1))
    assert report.duplicates == ["a"] and report.missing_ids == 1
    text = "\n".join(report.lines())
    assert "1 duplicate id(s)" in text and ": a" in text and 'use the id "line:N"' in text


def test_a_given_id_of_the_generated_form_and_an_id_less_record_each_get_a_line(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    rows = [{"id": "line:2", "text": article(1)}, {"text": article(2)}, {"id": 2, "text": article(3)},
            {"id": "generated:\"line:2\"", "text": article(4)}]
    first = run_lib(rows[:2], out)
    assert (first.done, first.duplicates, first.missing_ids) == (2, [], 1)
    lines = read_output(out)
    assert [(r["id"], r.get("id_generated")) for r in lines] == [("line:2", None), ("line:2", True)]
    assert [r["result"]["input"]["characters"] for r in lines] == [len(article(1)), len(article(2))]
    again = run_lib(rows, out)  # resumes: both line:2 lines count as done, the other two are new
    assert (again.done, again.skipped, again.duplicates) == (2, 2, [])
    lines = read_output(out)
    assert [(r["id"], r.get("id_generated")) for r in lines] == [
        ("line:2", None), ("line:2", True), (2, None), ('generated:"line:2"', None)]
    assert "0 done, 0 failed, 4 skipped" in run_lib(rows, out).lines()[0]


def test_rerun_skips_done_ids_and_retry_failed_redoes_only_errors(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    rows: list[Any] = [*records(4), {"id": "e", "text": ""}]
    first = run_lib(rows, out)
    assert (first.done, first.failed) == (4, 1)
    again = run_lib(rows, out)
    assert (again.done, again.failed, again.skipped, again.skipped_failed, again.ok) == (0, 0, 5, 1, False)
    assert "rerun with --retry-failed" in again.lines()[0]
    rows[-1] = {"id": "e", "text": article(99)}
    before = {line["id"]: line for line in read_output(out) if "result" in line}
    retried = run_lib(rows, out, retry_failed=True)
    assert (retried.done, retried.failed, retried.skipped, retried.ok) == (1, 0, 4, True)
    after = by_id(read_output(out))
    assert set(after) == {"doc-000", "doc-001", "doc-002", "doc-003", "e"} and "result" in after["e"]
    assert all(after[k] == v for k, v in before.items())


def test_two_jobs_give_the_same_output_as_one(tmp_path: Path) -> None:
    rows = records(24)
    run_lib(rows, tmp_path / "one.jsonl", jobs=1)
    report = run_lib(rows, tmp_path / "two.jsonl", jobs=2)
    assert report.done == 24
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def test_progress_log_line_counts_the_bytes_read_against_the_file_size() -> None:
    stream, position = io.StringIO(), [100]
    progress = Progress(1000, lambda: position[0], mode="auto", every=0, stream=stream)  # not a terminal: log
    assert progress.mode == "log"
    progress.update(4, 1)  # the first write: the rate of reading starts here
    position[0] = 600
    progress.update(5, 0)
    first, second = stream.getvalue().splitlines()
    assert first.startswith("summarize batch: 5 docs, 10.0% of the input, 1 failed, ") and "left" not in first
    assert second.startswith("summarize batch: 10 docs, 60.0% of the input, 1 failed, ") and "docs/s" in second
    assert second.endswith(" left")  # 400 bytes to go at the rate of the last 500
    position[0] = 1000
    progress.update(1, 0)
    assert stream.getvalue().splitlines()[-1].endswith("input read")
    unknown = io.StringIO()
    piped = Progress(None, None, mode="log", every=0, stream=unknown)  # standard input: a count, no share
    piped.update(3, 0)
    assert unknown.getvalue().startswith("summarize batch: 3 docs, 0 failed, ") and "%" not in unknown.getvalue()
    bar, piped_bar = io.StringIO(), io.StringIO()
    for out, size in ((bar, 1000), (piped_bar, None)):
        shown = Progress(size, (lambda: 500) if size else None, mode="bar", stream=out)
        shown.update(2, 0)
        shown.close()
    assert "500/1.00k" in bar.getvalue() and "docs=2" in bar.getvalue()  # bytes of the file
    assert "2doc" in piped_bar.getvalue()  # a stream: documents, no total


def test_the_cli_reads_its_input_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    src = write_jsonl(tmp_path / "in.jsonl", records(5))
    opened: list[str] = []
    real_open = builtins.open

    def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(src):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    proc = cli_in_process("batch", str(src), "--out", str(tmp_path / "out.jsonl"), "--jobs", "1",
                          "--progress", "log", "--progress-every", "0")
    assert proc.returncode == 0, proc.stderr
    assert len(opened) == 1
    assert "100.0% of the input" in proc.stderr or "input read" in proc.stderr


def test_ray_engine_without_ray_names_the_install_command(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(EngineUnavailable, match=r"pip install 'summarizers\[ray\]'"):
        import_ray()


# --- the command ----------------------------------------------------------------------------------


def test_cli_mixed_bad_lines_exit_status_and_counts(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [*records(3), "not json", {"id": "x", "text": ""},
                                              {"id": "y"}])
    proc = cli_in_process("batch", str(src), "--out", str(tmp_path / "out.jsonl"), "--jobs", "1", "--sentences", "2")
    assert proc.returncode == 1, proc.stderr
    assert "3 done, 3 failed, 0 skipped" in proc.stderr and "Traceback" not in proc.stderr
    lines = by_id(read_output(tmp_path / "out.jsonl"))
    assert {k for k, v in lines.items() if "error" in v} == {"line:4", "x", "y"}
    assert all(lines[f"doc-{i:03d}"]["result"]["length"]["sentences"] == 2 for i in range(3))


def test_cli_csv_and_stdin_give_the_same_results(tmp_path: Path) -> None:
    import csv

    rows = records(5)
    with (tmp_path / "in.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["key", "body"])
        writer.writeheader()
        writer.writerows({"key": r["id"], "body": r["text"]} for r in rows)
    proc = cli_in_process("batch", str(tmp_path / "in.csv"), "--out", str(tmp_path / "csv.jsonl"), "--jobs", "1",
               "--id-field", "key", "--text-field", "body", "--progress", "log", "--progress-every", "0")
    assert proc.returncode == 0, proc.stderr
    assert "docs/s" in proc.stderr and "5 done, 0 failed" in proc.stderr
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    proc = cli_in_process("batch", "-", "--out", str(tmp_path / "stdin.jsonl"), "--jobs", "1", stdin=data)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "csv.jsonl").read_bytes() == (tmp_path / "stdin.jsonl").read_bytes()


def test_cli_refuses_a_bad_job_before_touching_the_output(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", records(2))
    out = tmp_path / "out.jsonl"
    proc = cli_in_process("batch", str(src), "--out", str(out), "--method", "nope")
    assert proc.returncode == 1 and "unknown method 'nope'" in proc.stderr and not out.exists()
    proc = cli_in_process("batch", str(src), "--out", str(src))
    assert proc.returncode == 2 and "is the input file" in proc.stderr
    proc = cli_in_process("batch", str(tmp_path / "missing.jsonl"), "--out", str(out))
    assert proc.returncode == 1 and "No such file" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_retry_failed_after_fixing_the_input(tmp_path: Path) -> None:
    rows: list[Any] = [*records(3), {"id": "e", "text": "   "}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert cli_in_process("batch", str(src), "--out", str(out), "-j", "1").returncode == 1
    rows[-1]["text"] = article(7)
    write_jsonl(src, rows)
    proc = cli_in_process("batch", str(src), "--out", str(out), "-j", "1")
    assert proc.returncode == 1 and "4 skipped" in proc.stderr and "1 of them errors" in proc.stderr
    proc = cli_in_process("batch", str(src), "--out", str(out), "-j", "1", "--retry-failed")
    assert proc.returncode == 0, proc.stderr
    assert "1 done, 0 failed, 3 skipped" in proc.stderr
    lines = by_id(read_output(out))
    assert len(lines) == 4 and all("result" in v for v in lines.values())


def _kill_mid_way(args: list[str], out: Path, env: dict[str, str], at_least: int) -> None:
    """Start ``summarize batch``, SIGKILL it once ``out`` has ``at_least`` lines more than now."""
    start = len(out.read_bytes().splitlines()) if out.exists() else 0
    proc = subprocess.Popen([sys.executable, "-m", "summarizers.cli.main", *args], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if out.exists() and len(out.read_bytes().splitlines()) >= start + at_least:
                break
            assert proc.poll() is None, f"finished before it could be killed: {proc.stderr.read()!r}"
            time.sleep(0.02)
        else:
            pytest.fail("no progress within 60 s")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()  # type: ignore[union-attr]


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigkill_mid_way_then_rerun_gives_every_id_once(tmp_path: Path, jobs: str) -> None:
    rows = records(40)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    reference = tmp_path / "reference.jsonl"
    run_lib(rows, reference)
    out = tmp_path / "out.jsonl"
    args = ["batch", str(src), "--out", str(out), "--jobs", jobs, "--chunk-size", "2", "--progress", "off"]
    marker = f"BATCH_TEST_MARKER={uuid.uuid4().hex}"
    slow = {**slow_documents(0.1), marker.split("=")[0]: marker.split("=")[1]}
    _kill_mid_way(args, out, slow, at_least=4)
    _kill_mid_way(args, out, slow, at_least=4)  # killed twice, resumed once in between
    written = read_output(out)
    assert 8 <= len(written) < 40 and len(by_id(written)) == len(written)
    proc = cli(*args)
    assert proc.returncode == 0, proc.stderr
    assert f"{40 - len(written)} done, 0 failed, {len(written)} skipped" in proc.stderr
    final = by_id(read_output(out))
    assert final == by_id(read_output(reference))  # every id once, the same summaries
    if os.path.exists("/proc/self/environ"):  # the killed drivers' workers are gone too
        deadline = time.monotonic() + 10
        while _processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _processes_with(marker) == []


def test_cli_rerun_repairs_a_torn_last_line(tmp_path: Path) -> None:
    rows = records(6)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    run_lib(rows, out)
    complete = out.read_bytes()
    lines = complete.splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:3]) + lines[3][:25])
    proc = cli_in_process("batch", str(src), "--out", str(out), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert "removed 25 byte(s) of incomplete output" in proc.stderr and "3 skipped" in proc.stderr
    assert out.read_bytes() == complete


def test_the_default_jobs_is_one_process_for_small_or_unsized_inputs() -> None:
    from summarizers.cli.batch import RECORD_BYTES, RECORDS_PER_EXTRA_WORKER, estimated_records, local_jobs

    assert local_jobs(None, cores=8) == 1
    assert local_jobs(50, cores=8) == 1
    assert local_jobs(400, cores=8) == 1
    assert local_jobs(RECORDS_PER_EXTRA_WORKER + 1, cores=8) == 2
    assert local_jobs(100 * RECORDS_PER_EXTRA_WORKER, cores=4) == 4
    assert estimated_records(None) is None and estimated_records(0) == 0
    assert estimated_records(RECORD_BYTES) == 1 and estimated_records(RECORD_BYTES + 1) == 2
    bbc = 9_862_248  # bytes of the 2,225 BBC records: judged as about as many from the size alone
    assert abs(estimated_records(bbc) - 2225) < 25  # type: ignore[operator]

"""The output file: whole lines, torn-tail repair, resume state, --retry-failed, the lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizers.batch import BatchError, OutputFile
from summarizers.batch.output import encode, parse_line

OK = {"id": "a", "result": {"summary": "S."}}
ERR = {"id": "b", "error": {"code": "invalid_input", "message": "text is empty"}}


def test_append_writes_whole_lines_and_open_reads_them_back(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with OutputFile(path) as out:
        assert out.open().status == {}
        out.append([OK, ERR, {"id": 3, "result": {"summary": "é"}}])
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and "é" in text and len(text.splitlines()) == 3
    with OutputFile(path) as out:
        existing = out.open()
    assert existing.status == {'"a"': True, '"b"': False, "3": True}
    assert existing.failed == 1 and existing.repaired is None


@pytest.mark.parametrize("tail", [b'{"id": "c", "resu', b"\x00\x00\x00\x00", b'{"id": "c"}\n{"id"'])
def test_torn_or_garbage_tail_is_cut_off(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "out.jsonl"
    good = encode(OK) + encode(ERR)
    path.write_bytes(good + tail)
    with OutputFile(path) as out:
        existing = out.open()
        assert existing.repaired is not None and f"removed {len(tail)} byte(s)" in existing.repaired
        out.append([{"id": "c", "result": {}}])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c"]


def test_garbage_before_valid_lines_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(encode(OK) + b"hello\n" + encode(ERR))
    with pytest.raises(BatchError, match="line 2 is not a batch output line"):
        OutputFile(path).open()
    assert path.read_bytes().count(b"\n") == 3  # untouched


def test_retry_failed_drops_error_lines_atomically(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(encode(OK) + encode(ERR))
    with OutputFile(path) as out:
        existing = out.open(retry_failed=True)
        assert existing.status == {'"a"': True}
        out.append([{"id": "b", "result": {}}])
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["a", "b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary file left


def test_second_writer_is_refused_while_the_first_holds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with OutputFile(path) as first:
        first.open()
        with pytest.raises(BatchError, match="another batch run is writing"):
            OutputFile(path).open()
    OutputFile(path).open()  # released


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="is a directory"):
        OutputFile(tmp_path).open()


def test_parse_line_accepts_only_batch_lines() -> None:
    assert parse_line(encode(OK)) == ('"a"', True)
    assert parse_line(encode(ERR)) == ('"b"', False)
    for raw in (b"[]\n", b'{"id": 1}\n', b'{"result": {}}\n', b'{"id": 1, "result": 1, "error": 2}\n', b"\xff\n"):
        assert parse_line(raw) is None

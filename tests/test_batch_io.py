"""Reading batch inputs: JSON Lines, CSV, ids, overrides, and bad records as error items."""

from __future__ import annotations

import io
import json

import pytest

from summarizers import Input
from summarizers.batch import Fields, detect_format, read_items


def _jsonl(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))


def test_jsonl_records_with_overrides_title_and_html() -> None:
    items = list(read_items(_jsonl(
        json.dumps({"id": "a", "text": "One. Two.", "title": "T", "method": "lead", "length": {"words": 5}}),
        json.dumps({"id": 7, "html": "<p>x</p>"}),
    ), "jsonl"))
    assert [(i.id, i.line, i.error) for i in items] == [("a", 1, None), (7, 2, None)]
    assert items[0].input == Input(text="One. Two.", title="T")
    assert (items[0].method, items[0].length) == ("lead", {"words": 5})
    assert items[1].input == Input(html="<p>x</p>")
    assert items[0].key != items[1].key and items[1].key == "7"


def test_bad_jsonl_lines_become_error_items_and_blank_lines_are_ignored() -> None:
    items = list(read_items(_jsonl(
        '{"id": "ok", "text": "Fine text."}',
        "",
        "{not json",
        "[1, 2]",
        '{"id": "nt"}',
        '{"id": true, "text": "x"}',
    ), "jsonl"))
    assert [i.id for i in items] == ["ok", "line:3", "line:4", "nt", "line:6"]
    assert items[0].error is None
    errors = [i.error for i in items[1:]]
    assert all(e is not None and e["code"] == "invalid_input" for e in errors)
    assert "line 3 is not valid JSON" in errors[0]["message"]
    assert "not a JSON object but an array" in errors[1]["message"]
    assert errors[2]["message"] == "line 5 has no 'text' field"
    assert "must be a string or an integer, not a boolean" in errors[3]["message"]
    assert [e["details"]["line"] for e in errors] == [3, 4, 5, 6]


def test_invalid_utf8_line_is_an_error_item_not_a_crash() -> None:
    stream = io.BytesIO(b'{"id": "a", "text": "caf\xe9"}\n{"id": "b", "text": "Fine."}\n')
    items = list(read_items(stream, "jsonl"))
    assert items[0].error is not None and "not valid UTF-8" in items[0].error["message"]
    assert items[1].error is None and items[1].id == "b"


def test_missing_id_uses_the_line_number() -> None:
    items = list(read_items(_jsonl('{"text": "A."}', '{"id": "", "text": "B."}'), "jsonl"))
    assert [(i.id, i.id_given, i.error) for i in items] == [("line:1", False, None), ("line:2", False, None)]


def test_custom_field_names_and_html_flag() -> None:
    fields = Fields(id="key", text="body")
    items = list(read_items(_jsonl('{"key": "k", "body": "<p>Hi.</p>"}'), "jsonl", fields, html=True))
    assert items[0].id == "k" and items[0].input == Input(html="<p>Hi.</p>")


def test_csv_with_quoted_newlines_overrides_and_bad_rows() -> None:
    data = (b'id,text,length,method\n'
            b'a,"First line.\nSecond line.",2,lead\n'
            b'b,Plain text.,"{""words"": 5}",\n'
            b'c,too,many,cells,here\n'
            b',No id here.,,\n'
            b'e,,,\n'
            b'f\n')
    items = list(read_items(io.BytesIO(data), "csv"))
    assert [i.id for i in items] == ["a", "b", "c", "line:6", "e", "f"]
    assert items[0].input.text == "First line.\nSecond line." and items[0].length == 2 and items[0].method == "lead"
    assert items[1].length == {"words": 5} and items[1].method is None
    assert items[2].error is not None and "cells for 4 columns" in items[2].error["message"]
    assert items[3].error is None and items[3].line == 6
    assert items[4].error is None and items[4].input.text == ""  # the library says "text is empty"
    assert items[5].error is not None and "no 'text' field" in items[5].error["message"]
    assert items[0].line == 2 and items[1].line == 4


def test_detect_format() -> None:
    assert detect_format("x.CSV") == "csv"
    assert detect_format("x.jsonl") == detect_format("-") == "jsonl"
    assert detect_format("x.jsonl", "csv") == "csv"
    with pytest.raises(ValueError, match="unknown input format"):
        detect_format("x", "xml")

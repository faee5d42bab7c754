"""Data set loaders: JSONL, CSV, parquet, saved Hugging Face folders; fields and errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from summarizers_eval.datasets import Fields, content_hash, load_examples, parse_summary_fields
from summarizers_eval.errors import DatasetError

RECORDS = [
    {"id": "a", "title": "Title A", "document": "First doc. It has two sentences.", "summary": "First doc."},
    {"id": "b", "title": "", "document": "Second doc here. More text.", "summary": ["Ref one.", "Ref two."]},
]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_jsonl_string_and_list_references(tmp_path: Path) -> None:
    examples, info = load_examples(write_jsonl(tmp_path / "d.jsonl", RECORDS))
    assert [e.id for e in examples] == ["a", "b"]
    assert examples[0].references == ("First doc.",) and examples[0].title == "Title A"
    assert examples[1].references == ("Ref one.", "Ref two.") and examples[1].title is None
    assert info.format == "jsonl" and info.sha256 == content_hash(tmp_path / "d.jsonl")
    assert len(info.sha256) == 64


def test_limit_and_row_number_ids(tmp_path: Path) -> None:
    records = [{"text": f"Doc {i} text.", "ref": f"Ref {i}."} for i in range(5)]
    fields = Fields(document="text", summary=("ref",), title=None)
    examples, _ = load_examples(write_jsonl(tmp_path / "d.jsonl", records), fields, limit=3)
    assert [e.id for e in examples] == ["0", "1", "2"]


def test_csv_with_several_summary_fields(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["article_id", "article", "ref1", "ref2"])
        writer.writeheader()
        writer.writerow({"article_id": 7, "article": "Line one, with a comma.\nLine two.",
                         "ref1": "R1.", "ref2": "R2."})
    fields = Fields(id="article_id", document="article", summary=parse_summary_fields("ref1, ref2"))
    (example,), info = load_examples(path, fields)
    assert example.id == "7" and example.document == "Line one, with a comma.\nLine two."
    assert example.references == ("R1.", "R2.") and info.format == "csv"


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_pylist([RECORDS[0], {**RECORDS[1], "summary": "One ref."}]), path)
    examples, info = load_examples(path)
    assert [e.references for e in examples] == [("First doc.",), ("One ref.",)]
    assert info.format == "parquet"


def test_saved_huggingface_dataset_with_splits(tmp_path: Path) -> None:
    import datasets

    rows = [{**r, "summary": [r["summary"]] if isinstance(r["summary"], str) else r["summary"]} for r in RECORDS]
    dd = datasets.DatasetDict({"train": datasets.Dataset.from_list(rows[:1]), "test": datasets.Dataset.from_list(rows)})
    dd.save_to_disk(str(tmp_path / "hf"))
    examples, info = load_examples(tmp_path / "hf")  # test split by default
    assert [e.id for e in examples] == ["a", "b"] and info.split == "test" and info.format == "hf"
    examples, info = load_examples(tmp_path / "hf", split="train")
    assert [e.id for e in examples] == ["a"]
    with pytest.raises(DatasetError, match="no split 'dev'"):
        load_examples(tmp_path / "hf", split="dev")


@pytest.mark.parametrize(("records", "fields", "message"), [
    ([{"id": "a", "summary": "S."}], Fields(), "no document field 'document'"),
    ([{"id": "a", "document": "D."}], Fields(), "no reference field 'summary'"),
    ([{"id": "a", "document": "  ", "summary": "S."}], Fields(), "empty or not text"),
    ([{"id": "a", "document": "D.", "summary": ""}], Fields(), "reference summary is empty"),
    ([{"id": "a", "document": "D.", "summary": 3}], Fields(), "string or a list of strings"),
    ([{"id": "a", "document": "D.", "summary": "S."}] * 2, Fields(), "appears twice"),
    ([], Fields(), "no records"),
])
def test_bad_records_say_what_is_wrong(tmp_path: Path, records: list, fields: Fields, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        load_examples(write_jsonl(tmp_path / "d.jsonl", records), fields)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not found"):
        load_examples(tmp_path / "missing.jsonl")
    (tmp_path / "d.txt").write_text("x")
    with pytest.raises(DatasetError, match="cannot tell the format"):
        load_examples(tmp_path / "d.txt")
    (tmp_path / "bad.jsonl").write_text('{"id": 1, "document": "D.", "summary": "S."}\nnot json\n')
    with pytest.raises(DatasetError, match="line 2: not valid JSON"):
        load_examples(tmp_path / "bad.jsonl")
    (tmp_path / "folder").mkdir()
    with pytest.raises(DatasetError, match="not a saved Hugging Face data set"):
        load_examples(tmp_path / "folder")
    with pytest.raises(DatasetError, match="at least one field"):
        parse_summary_fields(" , ")

"""Data set loaders: JSONL, CSV, parquet files and local Hugging Face ``datasets`` folders.

Every loader yields :class:`Example` records (id, document, references, title) in file order.
Nothing is downloaded: a Hugging Face data set must have been saved with
``Dataset.save_to_disk`` (or be a parquet file). Field names are configurable with
:class:`Fields`, so that other data sets (CNN/DailyMail's ``article``/``highlights``, XSum's
``document``/``summary``...) load without conversion.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DatasetError

#: File suffixes read as JSON Lines, CSV and parquet.
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class Example:
    """One document with its reference summaries (one or more) and, when known, its headline."""

    id: str
    document: str
    references: tuple[str, ...]
    title: str | None = None


@dataclass(frozen=True)
class Fields:
    """Which record fields hold the id, the document, the reference(s) and the title.

    ``summary`` may name several fields (each one reference); a field whose value is a list of
    strings holds several references. A record without the id field gets its 0-based row
    number as id; a record without the title field has no title.
    """

    id: str = "id"
    document: str = "document"
    summary: tuple[str, ...] = ("summary",)
    title: str | None = "title"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, recorded in every report."""
        return {"id": self.id, "document": self.document, "summary": list(self.summary), "title": self.title}


@dataclass(frozen=True)
class DatasetInfo:
    """Where a data set came from: its path, format, content hash and split."""

    path: str
    format: str
    sha256: str
    split: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``path``, ``format``, ``sha256``, ``split``)."""
        return {"path": self.path, "format": self.format, "sha256": self.sha256, "split": self.split,
                **dict(self.extra)}


def detect_format(path: Path) -> str:
    """``jsonl``, ``csv``, ``parquet`` or ``hf`` (a folder saved by ``save_to_disk``).

    Raises:
        DatasetError: the path does not exist or its format is not recognised.
    """
    if not path.exists():
        raise DatasetError(f"data set not found: {path}")
    if path.is_dir():
        if (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists():
            return "hf"
        raise DatasetError(
            f"{path} is a folder but not a saved Hugging Face data set (no dataset_info.json or "
            "dataset_dict.json); give a .jsonl, .csv or .parquet file, or a save_to_disk folder"
        )
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise DatasetError(
        f"cannot tell the format of {path}: use a .jsonl, .csv, .tsv or .parquet file or a "
        "Hugging Face save_to_disk folder"
    )


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, or of a folder's files (relative names and bytes, sorted)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def read_records(path: Path, fmt: str, split: str | None = None) -> tuple[Iterator[Mapping[str, Any]], str | None]:
    """Raw records of a data set in file order, and the split that was read (HF folders).

    Raises:
        DatasetError: unreadable file, bad JSON line, unknown split.
    """
    if fmt == "jsonl":
        return _jsonl_records(path), None
    if fmt == "csv":
        return _csv_records(path), None
    if fmt == "parquet":
        return _parquet_records(path), None
    if fmt == "hf":
        return _hf_records(path, split)
    raise DatasetError(f"unknown data set format {fmt!r}")


def _jsonl_records(path: Path) -> Iterator[Mapping[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}, line {number}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise DatasetError(f"{path}, line {number}: expected a JSON object")
            yield record


def _csv_records(path: Path) -> Iterator[Mapping[str, Any]]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    csv.field_size_limit(2**31 - 1)
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter=delimiter)


def _parquet_records(path: Path) -> Iterator[Mapping[str, Any]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise DatasetError(f"{path}: not a readable parquet file ({exc})") from None
    for batch in parquet.iter_batches(batch_size=1024):
        yield from batch.to_pylist()


def _hf_records(path: Path, split: str | None) -> tuple[Iterator[Mapping[str, Any]], str | None]:
    import datasets

    try:
        loaded = datasets.load_from_disk(str(path))
    except Exception as exc:  # datasets raises several types for a bad folder
        raise DatasetError(f"{path}: not a readable Hugging Face data set ({exc})") from None
    if isinstance(loaded, datasets.DatasetDict):
        splits = list(loaded)
        if split is None:
            split = "test" if "test" in splits else splits[0] if len(splits) == 1 else None
            if split is None:
                raise DatasetError(f"{path} has splits {', '.join(splits)}: choose one with --split")
        if split not in loaded:
            raise DatasetError(f"{path} has no split {split!r}; splits: {', '.join(splits)}")
        loaded = loaded[split]
    elif split is not None:
        raise DatasetError(f"{path} is a single data set without splits; drop --split")
    return iter(loaded), split


def _references(record: Mapping[str, Any], fields: Fields, where: str) -> tuple[str, ...]:
    refs: list[str] = []
    for name in fields.summary:
        if name not in record:
            raise DatasetError(f"{where}: no reference field {name!r}; fields: {', '.join(map(str, record))}")
        value = record[name]
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if not isinstance(v, str):
                raise DatasetError(f"{where}: reference field {name!r} must be a string or a list of strings")
            if v.strip():
                refs.append(v)
    if not refs:
        raise DatasetError(f"{where}: the reference summary is empty")
    return tuple(refs)


def to_example(record: Mapping[str, Any], row: int, fields: Fields, source: str) -> Example:
    """One :class:`Example` from a raw record.

    Raises:
        DatasetError: a missing or empty document or reference field, naming the row.
    """
    raw_id = record.get(fields.id)
    ident = str(row) if raw_id is None or raw_id == "" else str(raw_id)
    where = f"{source}, record {row} (id {ident})"
    if fields.document not in record:
        raise DatasetError(f"{where}: no document field {fields.document!r}; fields: {', '.join(map(str, record))}")
    document = record[fields.document]
    if not isinstance(document, str) or not document.strip():
        raise DatasetError(f"{where}: the document field {fields.document!r} is empty or not text")
    title = record.get(fields.title) if fields.title else None
    title = title if isinstance(title, str) and title.strip() else None
    return Example(ident, document, _references(record, fields, where), title)


def load_examples(
    path: str | os.PathLike[str],
    fields: Fields = Fields(),
    *,
    limit: int | None = None,
    split: str | None = None,
) -> tuple[list[Example], DatasetInfo]:
    """The first ``limit`` examples of a data set (all when ``None``) and its description.

    Raises:
        DatasetError: unreadable data, a missing field, or two records with the same id.
    """
    p = Path(path)
    fmt = detect_format(p)
    records, used_split = read_records(p, fmt, split)
    examples = _take(records, fields, limit, str(p))
    info = DatasetInfo(str(p), fmt, content_hash(p), used_split)
    return examples, info


def _take(records: Iterable[Mapping[str, Any]], fields: Fields, limit: int | None, source: str) -> list[Example]:
    examples: list[Example] = []
    seen: set[str] = set()
    for row, record in enumerate(records):
        if limit is not None and len(examples) >= limit:
            break
        example = to_example(record, row, fields, source)
        if example.id in seen:
            raise DatasetError(f"{source}: id {example.id!r} appears twice; ids must be unique "
                               "(use --id-field to pick another field)")
        seen.add(example.id)
        examples.append(example)
    if not examples:
        raise DatasetError(f"{source}: no records")
    return examples


def parse_summary_fields(value: str | Sequence[str]) -> tuple[str, ...]:
    """``"summary"`` or ``"ref1,ref2"`` as a tuple of field names.

    Raises:
        DatasetError: when no field name is given.
    """
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise DatasetError("--summary-field needs at least one field name")
    return tuple(names)

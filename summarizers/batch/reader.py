"""Reading batch inputs (JSON Lines, CSV, standard input) into :class:`~.items.Item` records.

Reading never stops at a bad record: a line that is not JSON, not an object, or has no text
becomes an item carrying its error, so that it gets an error line in the output while the
rest of the input is summarized. Records are read lazily, so inputs of any size stream.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from ..errors import InvalidInput
from ..request import Input, body_problem
from .items import Item

Format = Literal["jsonl", "csv"]

#: The fields of an input that describe its article (read when :attr:`Fields.extra` names them).
_DESCRIPTIVE = ("source", "published", "language")
#: A CSV field may hold a whole article.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Fields:
    """Names of the record fields read from each input line or CSV column.

    ``method`` and ``length`` override the job's request for that record; ``html`` names an
    alternative field holding an HTML page, ``url`` one holding the address of an article page
    to fetch. A record gives exactly one of them and the text (the rule of
    :class:`~summarizers.request.Input`, which reads every record).
    """

    id: str = "id"
    text: str = "text"
    title: str = "title"
    html: str = "html"
    url: str = "url"
    method: str = "method"
    length: str = "length"
    #: further fields to keep as they are, in :attr:`Item.extra` (the digest's ``source``...);
    #: those that are fields of an :class:`~summarizers.request.Input` (``source``,
    #: ``published``, ``language``) are read into the item's input too
    extra: tuple[str, ...] = ()


def detect_format(path: str, given: str = "auto") -> Format:
    """``given`` unless ``auto``; then CSV for a ``.csv`` file, JSON Lines otherwise (and for ``-``).

    Raises:
        ValueError: for an unknown format name.
    """
    if given in ("jsonl", "csv"):
        return given  # type: ignore[return-value]
    if given != "auto":
        raise ValueError(f"unknown input format {given!r}; use auto, jsonl or csv")
    return "csv" if path != "-" and Path(path).suffix.lower() == ".csv" else "jsonl"


@contextmanager
def open_input(path: str) -> Iterator[IO[bytes]]:
    """The input as a binary stream: the file at ``path``, or standard input for ``-``.

    Raises:
        OSError: when the file cannot be opened.
    """
    if path == "-":
        yield sys.stdin.buffer
        return
    with open(path, "rb") as f:
        yield f


def read_items(stream: IO[bytes], fmt: Format, fields: Fields = Fields(), *, html: bool = False) -> Iterator[Item]:
    """Every record of ``stream`` as an item, bad records included (with their error).

    Args:
        stream: the input, binary (UTF-8).
        fmt: ``"jsonl"`` (one JSON object per line; blank lines are ignored) or ``"csv"``
            (a header row naming the columns).
        fields: the field names to read.
        html: whether the text field holds HTML pages.
    """
    if fmt == "csv":
        yield from _read_csv(stream, fields, html)
    else:
        yield from _read_jsonl(stream, fields, html)


def _read_jsonl(stream: IO[bytes], fields: Fields, html: bool) -> Iterator[Item]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield _bad(number, f"line {number} is not valid UTF-8 (byte {exc.start})")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _bad(number, f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        except ValueError as exc:  # an integer of more digits than Python converts
            yield _bad(number, f"line {number} holds a number far too large: {exc}")
            continue
        except RecursionError:
            yield _bad(number, f"line {number} is nested too deeply to read")
            continue
        if not isinstance(record, dict):
            yield _bad(number, f"line {number} is not a JSON object but {_json_kind(record)}")
            continue
        yield _item(record, number, fields, html)


def _read_csv(stream: IO[bytes], fields: Fields, html: bool) -> Iterator[Item]:
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:  # the caller's stream stays open (it may be read further, or asked its position)
        reader = csv.DictReader(text)
        start = 2  # the line where the next record starts (line 1 is the header)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield _bad(start, f"line {start} is not valid CSV: {exc}")
                start = reader.line_num + 1
                continue
            number, start = start, reader.line_num + 1
            if None in row:  # more cells than header columns
                yield _bad(number, f"line {number} has {len(row) - 1 + len(row[None])} cells for "
                                   f"{len(reader.fieldnames or [])} columns", _csv_id(row, fields))
                continue
            # an empty cell is an absent field, except the text: an empty text is reported as such
            record: dict[str, Any] = {k: v for k, v in row.items() if v is not None and (v != "" or k == fields.text)}
            if fields.length in record:
                record[fields.length] = _csv_length(record[fields.length])
            yield _item(record, number, fields, html)
    finally:
        text.detach()


def _csv_id(row: Mapping[str | None, Any], fields: Fields) -> str | None:
    value = row.get(fields.id)
    return value if isinstance(value, str) and value and id_problem(value) is None else None


def _csv_length(value: str) -> Any:
    """A CSV length cell: ``3`` (sentences) or JSON such as ``{"words": 50}``."""
    try:
        return json.loads(value)
    except (ValueError, RecursionError):  # not JSON, a huge integer, nested too deeply
        return value  # left for Length.parse to reject with its own message


def _item(record: Mapping[str, Any], number: int, fields: Fields, html: bool) -> Item:
    """An item from one parsed record; a record without text or with a bad id carries an error."""
    raw_id = record.get(fields.id)
    given = raw_id is not None and raw_id != ""
    if not given:
        item_id: str | int = line_id(number)
    elif isinstance(raw_id, str) or (isinstance(raw_id, int) and not isinstance(raw_id, bool)):
        item_id = raw_id
        problem = id_problem(raw_id)
        if problem:
            return _bad(number, f"line {number}: field {fields.id!r} {problem}; the output line uses "
                                f"the id {line_id(number)!r} instead", field=fields.id)
    else:
        return _bad(number, f"line {number}: field {fields.id!r} must be a string or an integer, "
                            f"not {_json_kind(raw_id)}", field=fields.id)
    body = [(fields.text, "html" if html else "text")]
    body += [(name, kind) for name, kind in ((fields.html, "html"), (fields.url, "url")) if name != fields.text]
    present = [(name, kind) for name, kind in body if record.get(name) is not None]
    bad_id = item_id if given else None
    if not present:
        return _bad(number, f"line {number} has no {fields.text!r} field", bad_id, field=fields.text)
    problem = body_problem([name for name, _ in present])
    if problem is not None:
        return _bad(number, f"line {number}: {problem}", bad_id, field=fields.text)
    (name, kind), = present
    known = {k: record[k] for k in fields.extra if k in _DESCRIPTIVE and k in record}
    try:
        given_input = Input.from_mapping({**known, kind: record[name], "title": record.get(fields.title)})
    except InvalidInput as exc:  # a field of the wrong type (the digest's fields: their own message)
        return Item(id=item_id, line=number, error=exc.to_dict(), id_given=given)
    return Item(
        id=item_id, line=number, id_given=given, input=given_input,
        method=record.get(fields.method), length=record.get(fields.length),
        extra={k: record[k] for k in fields.extra if k in record} or None,
    )


#: The longest id written as given (a longer one stands for a mistake, e.g. the text field).
MAX_ID_CHARACTERS = 1024


def line_id(number: int) -> str:
    """The id of the record on line ``number`` when it has none (or one that cannot be used).

    Any string is a valid given id, ``"line:2"`` included: a generated id is told apart by
    ``"id_generated": true`` on its output line (and by its resume key, :func:`~.items.id_key`).
    """
    return f"line:{number}"


def id_problem(value: str | int) -> str | None:
    """Why a given id cannot be written as the id of its output line, or ``None`` when it can.

    Refused: a string holding half a UTF-16 surrogate pair (not text: it cannot be written as
    UTF-8), one longer than :data:`MAX_ID_CHARACTERS`, and an integer of more than 18 digits
    (beyond what JSON readers in other languages hold exactly). Any other string is an id as
    given, one of the form ``line:N`` included.
    """
    if isinstance(value, int):
        return "is an integer too large to be an id (more than 18 digits)" if abs(value) >= 10**18 else None
    if _SURROGATE.search(value):
        return "holds half a UTF-16 surrogate pair, which cannot be written as UTF-8"
    if len(value) > MAX_ID_CHARACTERS:
        return f"is longer than {MAX_ID_CHARACTERS} characters"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _bad(number: int, message: str, item_id: str | int | None = None, *, field: str = "line") -> Item:
    error = InvalidInput(message, field=field, line=number).to_dict()
    if item_id is None:
        return Item(id=line_id(number), line=number, error=error, id_given=False)
    return Item(id=item_id, line=number, error=error)


def _json_kind(value: Any) -> str:
    for kind, name in ((bool, "a boolean"), (dict, "an object"), (list, "an array"), (str, "a string"),
                       (int, "an integer"), (float, "a number")):
        if isinstance(value, kind):
            return name
    return "null"

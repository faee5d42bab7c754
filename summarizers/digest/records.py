"""The digest's input records: an article with ``id``, its text (``text``, ``html`` or ``url``)
and optional ``title``, ``source``, ``published`` (ISO 8601) and ``language``.

Records come from the batch reader (:func:`summarizers.batch.read_items`, whose
:class:`~summarizers.batch.Fields` keep the digest's extra fields) or from mappings given to the
library; either way their shape is checked by :class:`~summarizers.request.Input`. A bad record
is an :class:`Article` carrying its error: it never stops the digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..batch.items import Item
from ..batch.reader import Fields, id_problem
from ..errors import InvalidInput
from ..request import INPUT_FIELDS, Input, optional_string

#: The record fields the digest reads besides the batch reader's own.
EXTRA_FIELDS = ("source", "published", "language")


def digest_fields(group_by: str | None = None, **names: str) -> Fields:
    """The reader's :class:`Fields` for digest records (the extra fields and ``group_by`` kept)."""
    extra = tuple(dict.fromkeys((*EXTRA_FIELDS, *((group_by,) if group_by else ()))))
    return Fields(extra=extra, **names)


@dataclass(frozen=True)
class Article:
    """One input record of a digest.

    Attributes:
        id: the record's id (``"line:N"`` or ``"#N"`` when it had none).
        text: the text, HTML page or URL (``kind`` says which); ``None`` for a bad record.
        kind: ``"text"``, ``"html"`` or ``"url"``.
        title, source: as given, or ``None``.
        published: seconds since the epoch (UTC), or ``None``.
        language: the record's language, or ``None`` (the digest's default).
        group: the value of the ``group_by`` field, or ``None``.
        index: the record's position in the input (0-based).
        error: ``{"code", "message", "details"}`` for a bad record.
    """

    id: str | int
    text: Any = None
    kind: str = "text"
    title: str | None = None
    source: str | None = None
    published: float | None = None
    language: str | None = None
    group: str | None = None
    index: int = 0
    error: Mapping[str, Any] | None = None


def _strip(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _article(given: Input, item_id: str | int, index: int, group: str | None) -> Article:
    return Article(id=item_id, text=given.body, kind=given.kind, title=_strip(given.title), source=_strip(given.source),
                   published=given.published, language=_strip(given.language), group=group, index=index)


def _bad(item_id: str | int, index: int, exc: InvalidInput) -> Article:
    return Article(id=item_id, index=index, error=exc.to_dict())


def from_item(item: Item, index: int, group_by: str | None = None) -> Article:
    """An article from a batch reader item (whose ``extra`` holds the digest's fields)."""
    if item.error is not None:
        return Article(id=item.id, index=index, error=item.error)
    assert item.input is not None, "an item without an error has its input"
    try:
        group = _strip(optional_string((item.extra or {}).get(group_by), group_by)) if group_by else None
    except InvalidInput as exc:
        return _bad(item.id, index, exc)
    return _article(item.input, item.id, index, group)


def from_mapping(record: Mapping[str, Any] | str, index: int, group_by: str | None = None) -> Article:
    """An article from a library caller's mapping (or a bare text, whose id is ``"#N"``)."""
    if isinstance(record, str):
        return Article(id=f"#{index}", text=record, index=index)
    if not isinstance(record, Mapping):
        return _bad(f"#{index}", index, InvalidInput(f"document {index} must be a mapping or a string",
                                                     field="documents"))
    raw_id = record.get("id")
    item_id: str | int = f"#{index}" if raw_id is None or raw_id == "" else raw_id
    if not isinstance(item_id, (str, int)) or isinstance(item_id, bool) or id_problem(item_id):
        return _bad(f"#{index}", index, InvalidInput(f"document {index}: id must be a usable string or integer",
                                                     field="id"))
    try:
        given = Input.from_mapping({k: v for k, v in record.items() if k in INPUT_FIELDS and k != "id"},
                                   where=f"document {item_id!r}")
        group = _strip(optional_string(record.get(group_by), group_by)) if group_by else None
    except InvalidInput as exc:
        return _bad(item_id, index, exc)
    return _article(given, item_id, index, group)

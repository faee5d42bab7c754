"""The digest's input records: an article with ``id``, its text (``text``, ``html`` or ``url``)
and optional ``title``, ``source``, ``published`` (ISO 8601) and ``language``.

Records come from the batch reader (:func:`summarizers.batch.read_items`, whose
:class:`~summarizers.batch.Fields` keep the digest's extra fields) or from mappings given to the
library. A bad record is an :class:`Article` carrying its error: it never stops the digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..batch.job import Item
from ..batch.reader import Fields, id_problem
from ..errors import InvalidInput

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


def parse_published(value: Any) -> float | None:
    """An ISO 8601 date or date-time as seconds since the epoch (naive times are UTC).

    Raises:
        InvalidInput: for a value that is not an ISO 8601 string.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput("published must be an ISO 8601 date or time string", field="published")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise InvalidInput(f"published {value[:40]!r} is not an ISO 8601 date or time",
                               field="published") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _optional_string(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string", field=name)
    return value.strip() or None


def _bad(item_id: str | int, index: int, exc: InvalidInput) -> Article:
    return Article(id=item_id, index=index, error=exc.to_dict())


def from_item(item: Item, index: int, group_by: str | None = None) -> Article:
    """An article from a batch reader item (whose ``extra`` holds the digest's fields)."""
    if item.error is not None:
        return Article(id=item.id, index=index, error=item.error)
    extra = item.extra or {}
    try:
        group = _optional_string(extra, group_by) if group_by else None
        return Article(
            id=item.id, text=item.text, kind="url" if item.url else "html" if item.html else "text",
            title=item.title, source=_optional_string(extra, "source"),
            published=parse_published(extra.get("published")), language=_optional_string(extra, "language"),
            group=group, index=index,
        )
    except InvalidInput as exc:
        return _bad(item.id, index, exc)


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
    kinds = [k for k in ("text", "html", "url") if record.get(k) is not None]
    if len(kinds) != 1:
        return _bad(item_id, index, InvalidInput(f"document {item_id!r}: give exactly one of text, html or url",
                                                 field="text"))
    try:
        title = _optional_string(record, "title")
        group = _optional_string(record, group_by) if group_by else None
        return Article(
            id=item_id, text=record[kinds[0]], kind=kinds[0], title=title,
            source=_optional_string(record, "source"), published=parse_published(record.get("published")),
            language=_optional_string(record, "language"), group=group, index=index,
        )
    except InvalidInput as exc:
        return _bad(item_id, index, exc)

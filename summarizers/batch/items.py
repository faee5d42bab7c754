"""The items of a run: one input record of a batch run or a job (its id, its line, its
:class:`~summarizers.request.Input` or its error), the key an id is remembered by, and the stored
head of a job's document."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput
from ..request import Input


@dataclass(frozen=True, slots=True)
class Item:
    """One input record, ready to be summarized or already known to be bad.

    Attributes:
        id: the record's id as given (a string or an integer), or ``"line:N"`` when it had none
            (its output line then says ``"id_generated": true``).
        line: the 1-based line of the input it came from.
        input: the document (text, HTML or URL, title...); ``None`` for a bad record.
        method: a per-record method override, or ``None``.
        length: a per-record length override (an int or a mapping), or ``None``.
        error: for a bad record, the error line's ``{"code", "message", "details"}``.
        id_given: whether the record had its own id (``False`` for generated ``"line:N"`` ids).
        extra: the values of the record's :attr:`Fields.extra` fields that it has (e.g. the
            digest's ``source``, ``published``, ``language``), or ``None``.
    """

    id: str | int
    line: int
    input: Input | None = None
    method: Any = None
    length: Any = None
    error: Mapping[str, Any] | None = None
    id_given: bool = True
    extra: Mapping[str, Any] | None = None

    @property
    def key(self) -> str:
        """The id as compared when resuming: its JSON form, so ``5`` and ``"5"`` differ, and a
        generated id apart from every given one (a given ``"line:2"`` is not line 2's own id)."""
        return id_key(self.id, generated=not self.id_given)

    def size(self) -> int:
        """The UTF-8 size of the record's text, page or URL (0 for a bad record or bytes)."""
        body = self.input.body if self.input is not None and self.error is None else None
        return len(body.encode("utf-8", "surrogatepass")) if isinstance(body, str) else 0


#: Prefix of the key of a generated id. A given id's key is its JSON form, which opens with a
#: quote, a digit or a minus sign, so the two kinds of keys can never be equal.
_GENERATED = "generated:"


def id_key(value: Any, *, generated: bool = False) -> str:
    """The key under which an id is remembered: its compact JSON form, or for an id the batch
    generated (``"id_generated": true`` on its line) that form after a prefix no JSON form has."""
    key = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _GENERATED + key if generated else key


def document_head(index: int, doc: Mapping[str, Any], fields: tuple[str, ...] = ("text", "html", "title")
                  ) -> tuple[dict[str, Any], Input | None]:
    """The start of the stored form of one submitted document (its index and id, for a summary
    job and a digest alike) and its :class:`~summarizers.request.Input` (of the given ``fields``
    only); a document the input refuses (not exactly one of ``text``, ``html`` or ``url``...) has
    none and its head carries the error."""
    given = doc.get("id") is not None
    item: dict[str, Any] = {"i": index, "id": doc["id"] if given else index, "id_given": given}
    try:
        return item, Input.from_mapping({k: doc[k] for k in fields if k in doc}, where=f"document {index}",
                                        prefix=f"documents.{index}.")
    except InvalidInput as exc:
        item["error"] = exc.to_dict()
        return item, None

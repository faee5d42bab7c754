"""Descriptions in Markdown: docstrings written in reStructuredText (``code``, :role:`target`,
`text <url>`_) turned into what OpenAPI renderers show (Markdown)."""

from __future__ import annotations

import re
from typing import Any

#: reStructuredText that docstrings leave in descriptions: ``code``, :role:`target`, `text <url>`_.
_RST_LITERAL = re.compile(r"``([^`]+)``")
_RST_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`~?([^`<]+?)(?:\s*<[^>`]*>)?`")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<([^>`]+)>`_{1,2}")

def markdown(text: str) -> str:
    """``text`` with the reStructuredText of docstrings written as Markdown (code spans, links)."""
    text = _RST_LINK.sub(r"[\1](\2)", text)
    text = _RST_LITERAL.sub(r"`\1`", text)
    return _RST_ROLE.sub(lambda m: f"`{m.group(1).rsplit('.', 1)[-1] if '.' in m.group(1) else m.group(1)}`", text)


def descriptions_to_markdown(node: Any) -> None:
    """Every ``description`` string under ``node`` (a JSON document) written as Markdown, in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = markdown(value)
            else:
                descriptions_to_markdown(value)
    elif isinstance(node, list):
        for value in node:
            descriptions_to_markdown(value)

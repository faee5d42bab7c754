"""The served OpenAPI document is written in Markdown (no reStructuredText from docstrings) and
has a request example for every operation."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from summarizers_service.markdown import markdown
from summarizers_service.openapi import finish_openapi

RST = re.compile(r"``|:[a-z]+:`|`_\b")


def _descriptions(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "description" and isinstance(v, str)] + \
            [d for k, v in node.items() if k != "description" for d in _descriptions(v)]
    if isinstance(node, list):
        return [d for v in node for d in _descriptions(v)]
    return []


def test_rst_becomes_markdown() -> None:
    assert markdown("the ``length`` of :class:`~summarizers.types.Length`, see `docs <https://x.org>`_") == \
        "the `length` of `Length`, see [docs](https://x.org)"


def test_the_served_document_has_no_rst_and_an_example_for_every_operation(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    bad = [d for d in _descriptions(document) if RST.search(d)]
    assert not bad, bad[:3]
    for path, item in document["paths"].items():
        for verb, operation in item.items():
            assert operation["x-codeSamples"][0]["source"].startswith("curl"), (path, verb)
            body = operation.get("requestBody")
            if body:
                assert body["content"]["application/json"]["example"], (path, verb)


def test_an_operation_added_later_gets_an_example_from_its_schema() -> None:
    schema = {"type": "object", "required": ["text", "n"], "properties": {
        "text": {"type": "string"}, "n": {"type": "integer", "minimum": 2}, "x": {"type": "string"}}}
    document = {"paths": {"/v1/new": {"post": {"requestBody": {"content": {"application/json": {"schema": schema}}}}}}}
    body = finish_openapi(document)["paths"]["/v1/new"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["example"]) == {"text", "n"} and body["example"]["n"] == 2

"""The OpenAPI document: valid OpenAPI 3.1, generated from the validating schemas, and the API
holds to it under property-based tests (schemathesis): no 500 for any input, answers that
match the documented schemas and statuses."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from summarizers import Registry
from summarizers.methods.lead import LeadMethod
from summarizers.methods.sumy_methods import sumy_methods
from summarizers_service.app import create_app
from summarizers_service.schemas import ApiJsonSchema


def small_registry() -> Registry:
    """Fast methods only: the property test runs many requests."""
    return Registry([LeadMethod(), *[m for m in sumy_methods() if m.name in ("lexrank", "luhn")]])


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"preload": [], "max_batch": 5}, registry=small_registry())


@pytest.fixture(scope="module")
def spec(app: Flask) -> dict[str, Any]:
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3(app: Flask, spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.")
    loaded = schemathesis.openapi.from_dict(spec)
    loaded.validate()  # against the OpenAPI 3.1 meta-schema; raises when invalid


def test_an_invalid_document_is_detected(spec: dict[str, Any]) -> None:
    broken = {**spec, "paths": {"/v1/summarize": {"post": {"responses": "none"}}}}
    with pytest.raises(Exception, match="responses"):
        schemathesis.openapi.from_dict(broken).validate()


def test_document_describes_summarize_from_the_validating_schema(app: Flask, spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/v1/summarize"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    name = ref.rsplit("/", 1)[-1]
    component = spec["components"]["schemas"][name]
    validating = app.extensions["summarize"].schemas.summarize
    generated = validating.model_json_schema(
        ref_template="#/components/schemas/{model}", schema_generator=ApiJsonSchema
    )
    generated.pop("$defs", None)
    assert component == generated
    assert {"text", "html", "method", "length", "language", "options", "offsets"} <= set(
        component["properties"]
    )
    assert component["properties"]["method"]["enum"] == ["lead", "lexrank", "luhn"]
    assert component["properties"]["options"]["properties"]["order"]["enum"] == ["document", "rank"]
    assert {"200", "400", "413", "415", "422", "500", "503", "504"} <= set(operation["responses"])
    batch = spec["components"]["schemas"]["SummarizeBatchRequest"]["properties"]["documents"]
    assert batch["maxItems"] == 5


# Loaded at import: schemathesis's lazy ``from_fixture`` loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi(
    "/openapi.json", create_app({"preload": [], "max_batch": 5}, registry=small_registry())
)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_holds_to_its_document(case: Any) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )


# The POST routes once more, positive and negative examples, every example checked: failures are
# collected instead of stopping at the first one (schemathesis's ``--continue-on-failure``), so a
# run reports every mismatch between the document and the behaviour at once.
POST_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.parametrize("path", ["/v1/summarize", "/v1/summarize/batch"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_post_routes_hold_to_the_document_on_every_example(path: str, mode: GenerationMode) -> None:
    operation = schema[path]["POST"]
    checks = [*POST_CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else POST_CHECKS
    failures: list[str] = []
    examples = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        nonlocal examples
        examples += 1
        try:
            case.call_and_validate(checks=checks)
        except Exception as exc:  # collected: every example is checked
            failures.append(f"{case.body!r:.300}: {exc!s:.500}")

    check()
    assert examples >= 10
    assert not failures, f"{len(failures)} of {examples} examples failed:\n" + "\n".join(failures[:10])

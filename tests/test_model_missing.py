"""A model that is not on this machine is its own error: ``model_missing``, no ``Retry-After``
(waiting never helps), a message naming the download command and SUMMARIZE_ABSTRACTIVE_MODEL;
``summarize text --json`` prints the error object on stdout."""

from __future__ import annotations

import json
from typing import Any

import pytest
from service_helpers import error_of, make_app
from tests_doubles import NoModel

from summarizers import Availability, ModelMissing, Registry
from summarizers.cli import main as cli
from summarizers.cli.status import ExitStatus
from summarizers.methods.abstractive.config import ModelSpec
from summarizers.methods.abstractive.presence import absent_reason
from summarizers.methods.lead import LeadMethod


def test_the_fix_names_the_download_command() -> None:
    _reason, fix = absent_reason(ModelSpec(name="bart", source="facebook/bart-large-cnn"))
    assert fix == "summarize models download bart"


def test_the_service_answers_model_missing_without_retry_after() -> None:
    registry = Registry()
    registry.register(LeadMethod())
    registry.register(NoModel())
    client = make_app(registry).test_client()
    response = client.post("/v1/summarize", json={"text": "The council met. It voted.", "method": "nomodel"})
    error = error_of(response, 503)
    assert error["code"] == "model_missing"
    assert "Retry-After" not in response.headers
    assert "summarize models download" in error["message"] and "SUMMARIZE_ABSTRACTIVE_MODEL" in error["message"]


def test_the_cli_prints_the_error_object_with_json(monkeypatch: pytest.MonkeyPatch, capsys: Any,
                                                   tmp_path: Any) -> None:
    registry = Registry()
    registry.register(NoModel())
    monkeypatch.setattr("summarizers.cli.text.default_registry", lambda *a, **k: registry)
    article = tmp_path / "a.txt"
    article.write_text("The council met on Monday. It voted for the plan.", encoding="utf-8")
    status = cli.main(["text", "--method", "nomodel", "--json", str(article)])
    out = capsys.readouterr()
    assert status == ExitStatus.UNAVAILABLE
    assert json.loads(out.out)["error"]["code"] == ModelMissing.code
    assert "summarize models download" in out.err
    assert Availability(False, model_missing=True).model_missing

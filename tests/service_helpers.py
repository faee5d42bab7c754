"""Test doubles and helpers shared by the service tests (``tests/test_service_*.py``).

Model-backed behaviour (backpressure, time limits, preloading, failures) uses small test
doubles of :class:`summarizers.Method` in an injected registry; no model is loaded. The
fixtures ``gated``, ``registry`` and ``client`` built from them are in ``conftest.py``.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from flask import Flask

from summarizers import Availability, Document, Method, ModelError, Parameter, Registry, Request, Summary
from summarizers.methods.lead import LeadMethod
from summarizers_service.app import create_app

ARTICLE = (
    "Storm batters the coast\n\n"
    "A powerful storm hit the northern coast on Monday, cutting power to thousands of homes. "
    "Emergency crews worked through the night to clear fallen trees from the main roads.\n"
    "The weather service said winds reached 120 kilometres per hour near the harbour. "
    "Several ferries were cancelled and the port was closed until further notice.\n"
    "Local schools will stay closed on Tuesday while engineers inspect the buildings. "
    "Officials expect power to be restored to most homes by Wednesday evening.\n"
)

EMOJI_ARTICLE = (
    "Café owners in Zürich 😀 welcomed the new rules on Monday, saying the change was overdue. 🎉\n"
    "The city council voted 30 to 12 in favour of longer opening hours for terraces. "
    "Résidents near the lake 🌊 worried about noise late at night.\n"
    "Police said they would monitor the busiest streets during the first weekend. 🚓 "
    "The rules take effect in June and will be reviewed after one year.\n"
)


class GatedAbstractive(Method):
    """An "abstractive" double: waits for ``gate`` (so tests control its duration), then answers
    with the lead sentences. ``load()`` waits for ``load_gate``."""

    name = "gated"
    kind = "abstractive"
    description = "test double: waits for a gate"
    parameters = (Parameter("num_beams", "integer", "beams", default=1, minimum=1, maximum=8),)

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.load_gate = threading.Event()
        self.load_gate.set()
        self.loads = 0

    def summarize(self, document: Document, request: Request) -> Summary:
        self.started.set()
        if not self.gate.wait(10):
            raise ModelError("the test gate never opened")
        result = LeadMethod().summarize(document, request)
        return dataclasses.replace(
            result, method=self.name, kind="abstractive", model={"name": "fake", "source": "test"}
        )

    def load(self, name: str | None = None) -> None:
        self.load_gate.wait(10)
        self.loads += 1

    def loaded(self, name: str | None = None) -> bool:
        return self.loads > 0

    def models(self) -> list[dict[str, Any]]:
        return [{"name": "fake", "source": "test", "default": True}]


class Unavailable(Method):
    name = "missing"
    kind = "abstractive"
    description = "test double: never available"

    def availability(self) -> Availability:
        return Availability(
            False, reason="model 'x' is not in the local cache", fix="summarize models download x"
        )

    def summarize(self, document: Document, request: Request) -> Summary:
        raise AssertionError("must not be called")


class Raising(Method):
    """A double whose every summary raises ``error`` (a bug, or a failing model)."""

    def __init__(self, name: str, kind: str, error: Exception) -> None:
        self.name, self.kind, self.description, self.error = name, kind, f"test double: {error}", error  # type: ignore[misc]

    def summarize(self, document: Document, request: Request) -> Summary:
        raise self.error


def Broken() -> Raising:
    """A method with a bug: its exception text must never reach a client."""
    return Raising("broken", "extractive", RuntimeError("secret internal detail /etc/passwd"))


def FailingModel() -> Raising:
    """A method whose model fails while generating."""
    return Raising("failing", "abstractive", ModelError("the model failed while generating"))


def make_app(registry: Registry, **settings: Any) -> Flask:
    settings.setdefault("preload", [])
    app = create_app(settings, registry=registry)
    app.testing = True
    return app


def error_of(response: Any, status: int) -> dict[str, Any]:
    """The error object of an envelope answer with ``status``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]

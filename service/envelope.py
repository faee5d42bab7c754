"""The JSON body of every error answer, ``{"error": {"code", "message", "details"}}``.

A leaf module (no import beyond the standard library) so that gunicorn's own answers
(:mod:`summarizers_service.worker`, loaded in the master before any app) and the app's
(:mod:`summarizers_service.errors`) are built by the same function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def envelope(code: str, message: str, details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body of every error answer."""
    return {"error": {"code": code, "message": message, "details": dict(details or {})}}

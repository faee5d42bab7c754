"""Test doubles shared by a few test files."""

from __future__ import annotations

from summarizers import Availability, Method
from summarizers.document import Document
from summarizers.methods.base import Request
from summarizers.types import Summary


class NoModel(Method):
    """An abstractive double whose model is not on this machine."""

    name = "nomodel"
    kind = "abstractive"
    description = "test double: its model is absent"

    def availability(self) -> Availability:
        return Availability(False, reason="model 'x' is not in the local Hugging Face cache",
                            fix="summarize models download x",
                            model_missing=True)

    def summarize(self, document: Document, request: Request) -> Summary:
        raise AssertionError("must not be called")

"""``lead``: the first sentences of the article, the standard news baseline."""

from __future__ import annotations

from collections.abc import Sequence

from ..document import Document
from .base import Request
from .extractive import ExtractiveMethod


class LeadMethod(ExtractiveMethod):
    """Scores sentences by position: the first sentence scores highest."""

    name = "lead"
    description = "the first sentences of the article (the Lead-N news baseline)"

    def score(self, document: Document, request: Request) -> Sequence[float]:
        """``1.0`` for the first sentence, decreasing linearly to ``1/n`` for the last."""
        n = len(document.sentences)
        return [(n - i) / n for i in range(n)]

"""The faithfulness score: lexical support of each sentence, discounted for unsupported facts.

Tuned on SummEval's consistency ratings with few, round constants (see docs/grounding.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..types import Unsupported

#: The kinds of unsupported items, in the order counts are reported.
KINDS = ("number", "date", "entity", "quote", "negation")
#: How much one unsupported item of each kind costs (a factor on the score).
PENALTY = {"number": 0.5, "date": 0.5, "entity": 0.5, "quote": 0.5, "negation": 0.5}


class Checked(Protocol):
    support_score: float
    unsupported: tuple[Unsupported, ...]
    bigrams: int
    bigrams_found: int


def faithfulness_score(sentences: Sequence[Checked]) -> float:
    """A score in [0, 1] for checked sentences: higher is better supported."""
    if not sentences:
        return 1.0
    total = sum(s.bigrams for s in sentences)
    bigram_share = sum(s.bigrams_found for s in sentences) / total if total else 1.0
    support = min(s.support_score for s in sentences)
    factor = 1.0
    for s in sentences:
        for u in s.unsupported:
            factor *= PENALTY[u.kind]
    return round(max(0.0, min(1.0, (bigram_share + support) / 2 * factor)), 4)

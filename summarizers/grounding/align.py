"""Aligning a summary sentence to the source's sentences and pairs of adjacent sentences.

The alignment score of a source span is the share of the sentence's content (its stems,
weighted by inverse sentence frequency, so names count more than common words) that the span
holds. A summary sentence often fuses two source sentences, so adjacent pairs compete too.
"""

from __future__ import annotations

from ..types import Support
from .index import SourceIndex

#: A pair of sentences is reported instead of the best single one when it adds this much.
PAIR_GAIN = 0.1
#: Support spans scoring below this are not reported.
MIN_SUPPORT = 0.2


def align(stems: list[str], index: SourceIndex) -> tuple[float, tuple[Support, ...]]:
    """The best support score of a sentence with content ``stems``, and its support spans."""
    unique = set(stems)
    if not unique or not index.sentences:
        return (1.0 if not unique else 0.0), ()
    columns = index.columns
    known = [columns[s] for s in unique if s in columns]
    total = float(index.weights[known].sum()) + index.unseen_idf * (len(unique) - len(known))
    if not known:
        return 0.0, ()
    weights = index.weights[known]
    single = index.matrix[:, known] @ weights
    best = int(single.argmax())
    best_score = float(single[best]) / total
    spans, score = [best], best_score
    if len(index.sentences) > 1:
        pair = index.pairs[:, known] @ weights
        best_pair = int(pair.argmax())
        pair_score = float(pair[best_pair]) / total
        if pair_score >= best_score + PAIR_GAIN:
            spans, score = [best_pair, best_pair + 1], pair_score
    support = tuple(
        Support(index.sentences[i].start, index.sentences[i].end, round(float(single[i]) / total, 4))
        for i in spans
    )
    return score, tuple(s for s in support if s.score >= MIN_SUPPORT) or support[:1]

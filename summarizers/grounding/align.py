"""Aligning a summary sentence to the source's sentences and pairs of adjacent sentences.

The alignment score of a source span is the share of the sentence's content (its stems,
weighted by inverse sentence frequency, so names count more than common words) that the span
holds. A summary sentence often fuses two source sentences, so adjacent pairs compete too.
"""

from __future__ import annotations

import numpy as np

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
    known = [stem for stem in unique if stem in index.idf]
    weights = np.array([index.idf[stem] for stem in known])
    total = float(weights.sum()) + index.unseen_idf * (len(unique) - len(known))
    if not known:
        return 0.0, ()
    n = len(index.sentences)
    single = _accumulate([index.postings[stem] for stem in known], weights, n)
    best = int(single.argmax())
    best_score = float(single[best]) / total
    spans, score = [best], best_score
    if len(index.sentences) > 1:
        pair = _accumulate([index.pair_postings[stem] for stem in known], weights, n - 1)
        best_pair = int(pair.argmax())
        pair_score = float(pair[best_pair]) / total
        if pair_score >= best_score + PAIR_GAIN:
            spans, score = [best_pair, best_pair + 1], pair_score
    support = tuple(
        Support(index.sentences[i].start, index.sentences[i].end, round(float(single[i]) / total, 4))
        for i in spans
    )
    return score, tuple(s for s in support if s.score >= MIN_SUPPORT) or support[:1]


def _accumulate(postings: list[np.ndarray], weights: np.ndarray, size: int) -> np.ndarray:
    """Per sentence (or pair), the summed weights of the stems whose postings hold it."""
    lengths = np.fromiter((len(p) for p in postings), dtype=np.intp, count=len(postings))
    return np.bincount(np.concatenate(postings), weights=np.repeat(weights, lengths), minlength=size)

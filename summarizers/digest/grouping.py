"""Story grouping: articles about the same event, within one language.

Each article is a TF-IDF vector (sublinear term frequency, IDF over the articles being grouped,
counted as at least :data:`MIN_IDF_DOCUMENTS`) of its stemmed content words, its title's words
counted :data:`TITLE_WEIGHT` times more, and its names and numbers as features of their own
counted :data:`NAME_WEIGHT` times more (two reports of one event share who, where and how many).
The similarity of two articles is their cosine, discounted when both are dated and more than
:data:`TIME_WINDOW_DAYS` apart (by half every :data:`TIME_HALF_LIFE_DAYS` beyond).

Candidate pairs come from sparse nearest neighbours: each article's :data:`TOP_TERMS` heaviest
features, multiplied block by block (:data:`BLOCK` articles at a time, so memory stays bounded),
give every article its :data:`NEIGHBOURS` nearest candidates; never all pairs. Stories are then
built by average-link agglomerative clustering over that sparse graph (a pair that is not a
candidate counts as similarity 0), merging while the average similarity between two groups is
at least :data:`LINK_THRESHOLD`. One default for every source: the constants are properties of
these cosines between news articles, not of a feed.

The threshold aims at events, not themes. Measured with event labels (``tests/data/events``,
``python -m benchmarks.bench_grouping --pairs``, docs/digest.md): about half of the pairs of
different articles on one event reach 0.30 (5 of MultiLing 2011's 8 English pairs, 47 % of
BBC's), pairs of different events far fewer (1 in 2,166 over BBC's 2,225 articles, 1 in 1,245
at the former 0.25, 1 in 147 at 0.12; but 1 in 14 within one of MultiLing's weeks-long topics
in English). B-cubed F1 at 0.30: 0.87 on BBC News' 2,225 articles
(0.83 at 0.25, 0.59 at 0.12), 0.90 on MultiLing's English developments (0.83, 0.46), 0.96 on
those 100 articles with three other outlets' reports of 20 of them (``tests/data/reports``;
0.88 at 0.25, which joined the Bali talks' successive rounds). The cost is in small digests of
loosely related articles (a profile beside the report): one BBC event's articles among up to 16
others end in one story 64 % of the time (81 % at 0.25). A topic followed over weeks
(MultiLing's stories) becomes several stories.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from ..methods.terms import count_matrix
from .analysed import AnalysedArticle

TITLE_WEIGHT = 2.0
NAME_WEIGHT = 1.0
TOP_TERMS = 40
NEIGHBOURS = 20
BLOCK = 1024
LINK_THRESHOLD = 0.30
#: The IDF's collection size is at least this: among a handful of articles, a word that two of
#: them share would otherwise weigh (almost) nothing (``log((1 + n) / (1 + df))`` is 0 for two
#: articles sharing it out of two), so two reports of one event could never be grouped. Larger
#: collections are unchanged.
MIN_IDF_DOCUMENTS = 50
TIME_WINDOW_DAYS = 3.0
TIME_HALF_LIFE_DAYS = 3.0


def article_vectors(articles: Sequence[AnalysedArticle]) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows of the articles (see the module's docstring)."""
    features = []
    for a in articles:
        bag = [t for sentence in a.terms for t in sentence]
        bag += list(a.title_terms) * int(TITLE_WEIGHT)
        bag += [f"#{name}" for name in sorted(a.names)] * int(NAME_WEIGHT)
        features.append(bag)
    counts, _ = count_matrix(features)
    counts = sp.csr_matrix(counts, dtype=float)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + max(n, MIN_IDF_DOCUMENTS)) / (1.0 + df))
    counts.data = 1.0 + np.log(counts.data)
    weighted = sp.csr_matrix(counts @ sp.diags(idf))
    weighted.eliminate_zeros()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted)


def _top_terms(rows: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """``rows`` with only each row's ``keep`` largest entries."""
    rows = rows.copy()
    for i in range(rows.shape[0]):
        start, end = rows.indptr[i], rows.indptr[i + 1]
        if end - start > keep:
            data = rows.data[start:end]
            data[np.argsort(data)[:-keep]] = 0.0
    rows.eliminate_zeros()
    return rows


def candidate_pairs(rows: sp.csr_matrix, neighbours: int = NEIGHBOURS) -> dict[tuple[int, int], float]:
    """``{(i, j): cosine}`` for ``i < j`` among each article's nearest candidates."""
    n = rows.shape[0]
    pruned = _top_terms(rows, TOP_TERMS)
    transposed = sp.csr_matrix(pruned.T)
    found: set[tuple[int, int]] = set()
    for start in range(0, n, BLOCK):
        block = sp.csr_matrix(pruned[start:start + BLOCK] @ transposed)
        for k in range(block.shape[0]):
            i = start + k
            lo, hi = block.indptr[k], block.indptr[k + 1]
            cols, vals = block.indices[lo:hi], block.data[lo:hi]
            mask = cols != i
            cols, vals = cols[mask], vals[mask]
            if len(cols) > neighbours:
                cols = cols[np.argpartition(-vals, neighbours)[:neighbours]]
            found.update((i, j) if i < j else (j, i) for j in cols.tolist())
    if not found:
        return {}
    keys = sorted(found)
    left = np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys))
    right = np.fromiter((k[1] for k in keys), dtype=np.int64, count=len(keys))
    cosines: list[float] = []
    for start in range(0, len(keys), 65_536):  # the exact cosines, a bounded slice at a time
        part = slice(start, start + 65_536)
        cosines.extend(np.asarray(rows[left[part]].multiply(rows[right[part]]).sum(axis=1)).ravel().tolist())
    return dict(zip(keys, cosines, strict=True))


def time_factor(a: float | None, b: float | None) -> float:
    """The discount of two articles' similarity for the time between them (1 when undated)."""
    if a is None or b is None:
        return 1.0
    days = abs(a - b) / 86_400.0
    return 1.0 if days <= TIME_WINDOW_DAYS else 0.5 ** ((days - TIME_WINDOW_DAYS) / TIME_HALF_LIFE_DAYS)


def average_link(n: int, similarities: dict[tuple[int, int], float], threshold: float = LINK_THRESHOLD) -> list[int]:
    """Average-link clusters of ``n`` items over a sparse similarity graph; each item's label is
    the lowest index of its cluster. Missing pairs have similarity 0."""
    size = [1] * n
    links: list[dict[int, float]] = [defaultdict(float) for _ in range(n)]
    for (i, j), s in similarities.items():
        if s > 0:
            links[i][j] += s
            links[j][i] += s
    members: list[list[int]] = [[i] for i in range(n)]
    alive = [True] * n
    heap = [(-s, i, j) for (i, j), s in similarities.items() if s >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        current = links[a].get(b, 0.0) / (size[a] * size[b])
        if not math.isclose(current, -negative, rel_tol=1e-9, abs_tol=1e-12):
            continue  # stale: a fresher entry for this pair is in the heap
        keep, gone = (a, b) if a < b else (b, a)
        alive[gone] = False
        size[keep] += size[gone]
        members[keep].extend(members[gone])
        members[gone] = []
        merged = links[keep]
        merged.pop(gone, None)
        for x, s in links[gone].items():
            if x != keep:
                merged[x] += s
        links[gone] = defaultdict(float)
        for x, s in merged.items():
            other = links[x]
            other.pop(gone, None)
            other[keep] = s
            average = s / (size[keep] * size[x])
            if average >= threshold:
                heapq.heappush(heap, (-average, min(keep, x), max(keep, x)))
    labels = [0] * n
    for root, group in enumerate(members):
        for i in group:
            labels[i] = min(group) if group else root
    return labels


def group_stories(articles: Sequence[AnalysedArticle], threshold: float | None = None) -> list[list[int]]:
    """The stories of ``articles`` (all of one language): lists of indices into ``articles``,
    each in input order, the stories in the order of their first article (``threshold``:
    :data:`LINK_THRESHOLD` unless given)."""
    threshold = LINK_THRESHOLD if threshold is None else threshold
    n = len(articles)
    if n == 0:
        return []
    rows = article_vectors(articles)
    pairs = candidate_pairs(rows)
    scored = {(i, j): s * time_factor(articles[i].published, articles[j].published) for (i, j), s in pairs.items()}
    labels = average_link(n, scored, threshold)
    stories: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        stories.setdefault(label, []).append(i)
    return sorted(stories.values(), key=lambda s: s[0])

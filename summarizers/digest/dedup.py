"""Near-duplicates: syndicated and lightly edited copies of one article (a dateline added, a
paragraph dropped, a credit line, a changed title).

Each article's text becomes the set of its lower-cased word shingles (:data:`SHINGLE` words);
its MinHash signature (``datasketch``, :data:`PERMUTATIONS` permutations) estimates the Jaccard
similarity of two such sets, and MinHash LSH finds the pairs above :data:`THRESHOLD` without
comparing every pair. Candidates are confirmed on their estimated Jaccard similarity, or on
their containment (the share of the shorter article's shingles that the other has, from the
Jaccard estimate and the two set sizes: a copy with half of the original's paragraphs dropped is
contained in it), and joined transitively (a copy of a copy is a copy). The original of each
set is the earliest published member (then the longest, then the first in the input); the others are its duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

#: Words per shingle: long enough that distinct articles on one story share few of them.
SHINGLE = 5
#: MinHash permutations (the Jaccard estimate's standard error is at most ``0.5 / sqrt(128)``, 0.044).
PERMUTATIONS = 128
#: Estimated Jaccard similarity of the shingle sets above which two articles are copies. A copy
#: with a dateline, a credit line and one paragraph in ten dropped scores about 0.8; two
#: outlets' own articles on one event, below 0.1.
THRESHOLD = 0.4
#: Containment above which the shorter article is a (cut) copy of the longer one.
CONTAINMENT = 0.7
#: The LSH's own threshold: low enough to propose contained copies (Jaccard down to about 0.25).
CANDIDATE_THRESHOLD = 0.25
#: Articles of fewer shingles are copies on Jaccard similarity only (a shared sentence is no copy).
MIN_CONTAINED = 20


def signature(words: Sequence[str]) -> tuple[np.ndarray, int]:
    """The MinHash signature (hash values) of the word shingles of ``words``, and their number."""
    lowered = [w.lower() for w in words]
    if len(lowered) <= SHINGLE:
        shingles = {" ".join(lowered)}
    else:
        shingles = {" ".join(lowered[i:i + SHINGLE]) for i in range(len(lowered) - SHINGLE + 1)}
    minhash = MinHash(num_perm=PERMUTATIONS)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return minhash.hashvalues, len(shingles)


def is_copy(jaccard: float, size_a: int, size_b: int, threshold: float = THRESHOLD) -> bool:
    """Whether two shingle sets of these sizes and this Jaccard similarity are copies."""
    if jaccard >= threshold:
        return True
    smaller = min(size_a, size_b)
    if smaller < MIN_CONTAINED:
        return False
    common = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return common / smaller >= CONTAINMENT


def duplicate_sets(signatures: Sequence[tuple[np.ndarray, int]], threshold: float = THRESHOLD) -> list[int]:
    """For every article, the index of the article whose copy it is (itself for none yet):
    a union-find root over the confirmed pairs, each root being the lowest index of its set."""
    n = len(signatures)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if n < 2:
        return parent
    lsh = MinHashLSH(threshold=min(threshold, CANDIDATE_THRESHOLD), num_perm=PERMUTATIONS)
    hashes = [MinHash(num_perm=PERMUTATIONS, hashvalues=s) for s, _ in signatures]
    for i, minhash in enumerate(hashes):
        for j in lsh.query(minhash):
            if is_copy(minhash.jaccard(hashes[j]), signatures[i][1], signatures[j][1], threshold):
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        lsh.insert(i, minhash)
    return [root(i) for i in range(n)]

"""Near-duplicates: syndicated and lightly edited copies of one article (a dateline added, a
paragraph dropped, a credit line, a changed title).

Each article's text becomes the set of its lower-cased word shingles (:data:`SHINGLE` words);
its MinHash signature (``datasketch``, :data:`PERMUTATIONS` permutations) estimates the Jaccard
similarity of two such sets, and MinHash LSH finds the pairs above :data:`THRESHOLD` without
comparing every pair. Candidates are confirmed on their estimated Jaccard similarity and joined
transitively (a copy of a copy is a copy). The original of each set is the earliest published
member (then the longest, then the first in the input); the others are its duplicates.
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


def signature(words: Sequence[str]) -> np.ndarray:
    """The MinHash signature (hash values) of the word shingles of ``words``."""
    lowered = [w.lower() for w in words]
    if len(lowered) <= SHINGLE:
        shingles = {" ".join(lowered)}
    else:
        shingles = {" ".join(lowered[i:i + SHINGLE]) for i in range(len(lowered) - SHINGLE + 1)}
    minhash = MinHash(num_perm=PERMUTATIONS)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return minhash.hashvalues


def duplicate_sets(signatures: Sequence[np.ndarray], threshold: float = THRESHOLD) -> list[int]:
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
    lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
    hashes = [MinHash(num_perm=PERMUTATIONS, hashvalues=s) for s in signatures]
    for i, minhash in enumerate(hashes):
        for j in lsh.query(minhash):
            if minhash.jaccard(hashes[j]) >= threshold:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        lsh.insert(i, minhash)
    return [root(i) for i in range(n)]

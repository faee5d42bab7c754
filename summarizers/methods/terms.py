"""Sentences as sparse term-count matrices (the shared input of the vectorized methods)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp


def count_matrix(
    term_lists: Sequence[Iterable[str]], vocabulary: dict[str, int] | None = None
) -> tuple[sp.csr_matrix, dict[str, int]]:
    """Rows of term counts, one per list, and the vocabulary (term -> column).

    Columns are numbered in order of first appearance. With ``vocabulary`` given, it is
    extended in place with the new terms.
    """
    vocab = {} if vocabulary is None else vocabulary
    indptr, indices, counts = [0], [], []
    for terms in term_lists:
        row: dict[int, int] = {}
        for t in terms:
            j = vocab.setdefault(t, len(vocab))
            row[j] = row.get(j, 0) + 1
        indices.extend(row)
        counts.extend(row.values())
        indptr.append(len(indices))
    matrix = sp.csr_matrix(
        (np.asarray(counts, dtype=float), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, max(1, len(vocab))),
    )
    matrix.sort_indices()
    return matrix, vocab

"""Concept coverage: the sentences of a story that cover the most of what its articles share
(Gillick & Favre 2009, the ICSI system of TAC 2008-2011), chosen greedily under a budget (Lin &
Bilmes 2010). Pure functions over plain values.

- **Concepts** are the bigrams of each sentence's stemmed content words (stop words out); a
  story of one or two articles also uses the content words themselves (a bigram is rarely said
  twice in one article).
- A concept's **support** is the number of distinct articles that use it (of distinct sentences
  for one or two articles); concepts with less than :func:`min_support` are dropped (what one
  outlet adds is a detail, what several say is the story). Its **weight** is its support, plus
  :data:`LEAD_BONUS` for every article that uses it in its first :data:`LEAD_SENTENCES` sentences
  (ICSI's position feature: news says what matters first).
- **Selection** is greedy: each next sentence maximises the weight of the concepts it covers
  that no sentence before it covers (a concept counts once: redundancy is controlled by the
  objective itself) divided by its cost (``cost ** SCALE``, its words under a word budget; 1
  under a sentence budget), among the sentences that still fit the budget; then the rest
  follow by the same gain without the budget, then those that cover nothing, in their order.
  Ties go to the earlier candidate.

Cost: each step is one sparse product (linear in the (sentence, concept) pairs), and the greedy
stops after :data:`MAX_STEPS` steps or when nothing covers anything new.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

#: Bonus weight per article that uses a concept in its lead.
LEAD_BONUS = 1.0
#: The lead: this many first sentences of an article.
LEAD_SENTENCES = 1
#: The cost exponent of the greedy's ratio (1: gain per word, Khuller et al. 1999).
SCALE = 1.0
#: The least support of a concept (ICSI used 3 of TAC's 10 long articles; web news is shorter).
MIN_SUPPORT = 2
#: The greedy's steps at most (the rest keep their order); a digest story takes far fewer.
MAX_STEPS = 200


def sentence_concepts(terms: Sequence[str], unigrams: bool = True) -> set[str]:
    """The concepts of one sentence's stemmed content words: their bigrams and (with
    ``unigrams``) the words themselves."""
    found = {f"{a} {b}" for a, b in pairwise(terms)}
    if unigrams:
        found.update(terms)
    return found


def min_support(articles: int) -> int:
    """The least support a concept needs: 2 (articles from 3 articles up, sentences below)."""
    return MIN_SUPPORT


def concept_matrix(concepts: Sequence[set[str]], owners: Sequence[int], positions: Sequence[int],
                   articles: int, least: int | None = None) -> tuple[sp.csr_matrix, np.ndarray, list[str]]:
    """The candidates x concepts incidence matrix, the concepts' weights and names.

    ``owners[i]`` is the article of candidate ``i`` (0 to ``articles - 1``), ``positions[i]`` its
    position there (0 first). Support, the threshold ``least`` (default :func:`min_support`) and
    weights as in the module's docstring; concepts under the threshold are left out.
    """
    few = articles <= 2
    least = min_support(articles) if least is None else least
    holders: dict[str, set[int]] = {}
    leads: dict[str, set[int]] = {}
    for i, found in enumerate(concepts):
        for c in found:
            holders.setdefault(c, set()).add(i if few else owners[i])
            if positions[i] < LEAD_SENTENCES:
                leads.setdefault(c, set()).add(owners[i])
    names = sorted(c for c, who in holders.items() if len(who) >= least)
    index = {c: j for j, c in enumerate(names)}
    weights = np.array([len(holders[c]) + LEAD_BONUS * len(leads.get(c, ())) for c in names], dtype=float)
    rows, cols = [], []
    for i, found in enumerate(concepts):
        for c in found:
            j = index.get(c)
            if j is not None:
                rows.append(i)
                cols.append(j)
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(concepts), len(names)))
    return matrix, weights, names


def greedy_order(matrix: sp.csr_matrix, weights: np.ndarray, costs: np.ndarray, budget: float,
                 prior: np.ndarray | None = None, scale: float = SCALE,
                 max_steps: int = MAX_STEPS) -> tuple[list[int], list[float]]:
    """Every candidate, in the order of the budgeted greedy (see the module's docstring), and
    each one's gain (the weight of the new concepts it covers when taken; 0 for the rest)."""
    n = matrix.shape[0]
    left = weights.astype(float).copy()
    taken = np.zeros(n, dtype=bool)
    divisor = np.maximum(costs.astype(float), 1e-9) ** scale
    if prior is not None:
        divisor = divisor / prior
    order: list[int] = []
    gains: list[float] = []
    used = 0.0
    budgeted = True
    while len(order) < min(n, max_steps):
        gain = matrix @ left
        open_ = ~taken & (gain > 1e-12)
        if budgeted:
            fits = open_ & (used + costs <= budget + 1e-9)
            if not fits.any():
                budgeted = False
            else:
                open_ = fits
        if not open_.any():
            break
        best = int(np.argmax(np.where(open_, gain / divisor, -np.inf)))
        order.append(best)
        gains.append(float(gain[best]))
        taken[best] = True
        if budgeted:
            used += float(costs[best])
        left[matrix.indices[matrix.indptr[best]:matrix.indptr[best + 1]]] = 0.0
    rest = [i for i in range(n) if not taken[i]]
    return order + rest, gains + [0.0] * len(rest)

"""The digest's guard against saying one thing twice: no sentence may share too many word
bigrams with a sentence already in the digest (ROUGE-2 F1, the measure of repetition readers and
evaluations use, on lower-cased, stemmed words).

An inverted index from bigrams to the sentences holding them means each check compares a
sentence only with those sharing a bigram, never with the whole digest.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import pairwise

#: Bigram F1 at or above which a sentence repeats another (ROUGE-2 F1 of 0.5 is a repeat by any
#: account; the margin keeps paraphrased copies out too).
REPEAT_THRESHOLD = 0.35

_WORD = re.compile(r"\w+")


def bigrams(text: str, stem: Callable[[str], str] = str) -> Counter[tuple[str, str]]:
    """The bigram counts of ``text``'s lower-cased, stemmed words."""
    words = [stem(w) for w in _WORD.findall(text.lower())]
    return Counter(pairwise(words))


def overlap_f1(a: Counter[tuple[str, str]], b: Counter[tuple[str, str]]) -> float:
    """ROUGE-2 F1 between two bigram bags."""
    total_a, total_b = sum(a.values()), sum(b.values())
    if not total_a or not total_b:
        return 0.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / total_a, common / total_b
    return 2 * precision * recall / (precision + recall)


class RepeatIndex:
    """The sentences of a digest so far, to check new ones against."""

    def __init__(self, threshold: float = REPEAT_THRESHOLD) -> None:
        self.threshold = threshold
        self._bags: list[Counter[tuple[str, str]]] = []
        self._where: defaultdict[tuple[str, str], list[int]] = defaultdict(list)

    def repeats(self, bag: Counter[tuple[str, str]]) -> bool:
        """Whether a sentence with these bigrams repeats one in the index."""
        seen: set[int] = set()
        for gram in bag:
            for k in self._where.get(gram, ()):
                if k not in seen:
                    seen.add(k)
                    if overlap_f1(bag, self._bags[k]) >= self.threshold:
                        return True
        return False

    def add(self, bag: Counter[tuple[str, str]]) -> None:
        """Put a sentence's bigrams in the index."""
        k = len(self._bags)
        self._bags.append(bag)
        for gram in bag:
            self._where[gram].append(k)

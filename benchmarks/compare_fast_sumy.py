"""The fast paths against sumy's own code on a data set: same selected sentences?

::

    python -m benchmarks.compare_fast_sumy --dataset ../shared/datasets/bbc-news-summary/bbc-news-summary.jsonl

For every document and every method with ``options.implementation``, both implementations
rate every sentence; the 3 best (``--sentences``) are compared. A difference is *explained by
a tie* when the sentences swapped between the two selections have equal fast-path ratings (to
1e-9 relative): the mathematics ranks them equally and only rounding in a different summation
order (or, for LSA, sumy's SVD) decides. Prints one JSON line per method: documents,
identical selections, differences explained by ties, unexplained ones (with ids), and the CPU
seconds of each implementation.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from functools import cache

import summarizers
from summarizers import Document, Length
from summarizers.methods.extractive import select
from summarizers_eval.datasets import Fields, load_examples

METHODS = ("lexrank", "textrank", "reduction", "kl", "sumbasic", "lsa", "luhn")


@cache
def _registry() -> summarizers.Registry:
    return summarizers.default_registry()


def ratings(method: str, document: Document, implementation: str) -> list[float]:
    """Every sentence's rating by one implementation of ``method``."""
    request = _registry().prepare(method, None, document.language.name, {"implementation": implementation})
    return [float(x) for x in request.method.score(document, request)]


def chosen(document: Document, scores: Sequence[float], count: int = 3) -> list[int]:
    """The indices the shared selection picks, in document order."""
    return sorted(select(document.sentences, scores, Length(sentences=count))[0])


def tie_explains(fast: Sequence[float], picked_fast: Sequence[int], picked_sumy: Sequence[int]) -> bool:
    """Whether two selections differ only among sentences the fast path rates equally."""
    values = [fast[i] for i in sorted(set(picked_fast) ^ set(picked_sumy))]
    return not values or max(values) - min(values) <= 1e-9 * max(1.0, abs(max(values)))


def main(argv: Sequence[str] | None = None) -> None:
    """Compare and print one JSON line per method."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--every", type=int, default=1, help="only every k-th document")
    args = parser.parse_args(argv)
    examples = load_examples(args.dataset, Fields())[0][:: args.every]
    documents = []
    for ex in examples:
        try:
            documents.append((ex.id, summarizers.build_document(ex.document, "english", title=ex.title)))
        except summarizers.SummarizerError:
            continue
    for method in args.methods.split(","):
        same, ties, unexplained, seconds = 0, [], [], {"fast": 0.0, "sumy": 0.0}
        for doc_id, doc in documents:
            started = time.process_time()
            fast = ratings(method, doc, "fast")
            seconds["fast"] += time.process_time() - started
            started = time.process_time()
            slow = ratings(method, doc, "sumy")
            seconds["sumy"] += time.process_time() - started
            a, b = chosen(doc, fast, args.sentences), chosen(doc, slow, args.sentences)
            if a == b:
                same += 1
            else:
                (ties if tie_explains(fast, a, b) else unexplained).append(doc_id)
        print(json.dumps({"method": method, "documents": len(documents), "identical": same,
                          "identical_pct": round(100 * same / max(1, len(documents)), 2),
                          "tie_differences": len(ties), "tie_ids": ties[:20], "unexplained": unexplained,
                          "cpu_s": {k: round(v, 2) for k, v in seconds.items()}}), flush=True)


if __name__ == "__main__":
    main()

"""Grid search of ``newsrank``'s constants on a data set, with a split-half stability check.

::

    python -m benchmarks.tune_newsrank --dataset ../shared/datasets/summeval/summeval.jsonl --sentences 3
    python -m benchmarks.tune_newsrank --dataset ../shared/datasets/bbc-news-summary/bbc-news-summary.jsonl \
        --match-reference --limit 400

A coordinate search: starting from the shipped constants, each constant in turn takes the
value of its grid with the best mean ROUGE-1 F1, the others fixed; ``--sweeps`` rounds. Prints
each step, then the best combinations seen with ROUGE-1/2/Lsum (F1 x 100) over all documents
and over each half (even and odd rows: a stable choice scores well on both). The features of every document
are computed once; a summary's ROUGE is computed once per distinct selection. This is the
tool behind the constants in :mod:`summarizers.methods.newsrank` (see docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import summarizers
from summarizers import Length
from summarizers.methods import newsrank as nr
from summarizers.text.words import lexical_words
from summarizers_eval.datasets import Fields, load_examples
from summarizers_eval.scoring import RougeEvaluator, fmeasures, sentences_of

GRID = {
    "position_scale": [0.5, 1.0, 2.0, 4.0],
    "backward_weight": [0.0, 0.5, 1.0, 2.0],
    "centrality_weight": [0.0, 0.25, 0.5, 1.0],
    "headline_weight": [0.0, 0.5, 1.0],
    "short_words": [1, 10, 15],
    "redundancy": [0.0, 0.25, 0.5, 1.0],
}


@dataclass
class Features:
    """What ``newsrank`` computes for one document, before its constants are applied."""

    texts: list[str]
    rows: object
    forward: np.ndarray
    backward: np.ndarray
    headline: np.ndarray
    words: np.ndarray
    count: int
    references: tuple[str, ...]


def features(example, length: Length) -> Features:
    """The constant-free parts of ``newsrank`` for one example."""
    doc = summarizers.build_document(example.document, "english", title=example.title)
    title = example.title or (doc.headline.text if doc.headline else "")
    terms = [nr.content_terms(s.text, doc) for s in doc.sentences]
    rows, head = nr.tfidf_rows(terms, nr.content_terms(title, doc) if title else ())
    forward = nr.directed_centrality(rows, 0.0)
    backward = forward - nr.directed_centrality(rows, 1.0)
    words = np.array([len(lexical_words(s.text)) for s in doc.sentences], dtype=float)
    count = length.sentence_count(len(doc.sentences)) or 3
    return Features([s.text for s in doc.sentences], rows, forward, backward, rows @ head, words,
                    count, example.references)


def select(f: Features, c: dict[str, float]) -> tuple[int, ...]:
    """The sentences ``newsrank`` with constants ``c`` picks, in document order."""
    n = len(f.texts)
    centrality = f.forward - c["backward_weight"] * f.backward
    peak = np.abs(centrality).max() if n else 0.0
    if peak > 0:
        centrality = centrality / peak
    position = 1.0 / (1.0 + np.arange(n) / c["position_scale"])
    length = np.minimum(1.0, f.words / c["short_words"])
    rel = length * (position + c["centrality_weight"] * centrality + c["headline_weight"] * f.headline)
    scores = nr.mmr_scores(rel, f.rows, f.count, c["redundancy"])
    return tuple(sorted(np.argsort(-scores, kind="stable")[: f.count].tolist()))


def main(argv: Sequence[str] | None = None) -> None:
    """Run the grid and print the best combinations (``--top``) as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", required=True, type=Path)
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--match-reference", action="store_true")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--every", type=int, default=1, help="only every k-th document (a spread sample)")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--sweeps", type=int, default=2)
    args = parser.parse_args(argv)
    examples = load_examples(args.dataset, Fields(), limit=args.limit)[0][:: args.every]
    evaluator = RougeEvaluator()
    feats = []
    for ex in examples:
        count = len(sentences_of(ex.references[0])) if args.match_reference else args.sentences
        try:
            feats.append(features(ex, Length(sentences=max(1, count))))
        except summarizers.SummarizerError:  # no sentence left: every method fails there too
            continue
    cache: dict[tuple[int, tuple[int, ...]], dict[str, float]] = {}

    def rouge(k: int, chosen: tuple[int, ...]) -> dict[str, float]:
        if (k, chosen) not in cache:
            summary = " ".join(feats[k].texts[i] for i in chosen)
            cache[(k, chosen)] = fmeasures(evaluator.score_dict(feats[k].references, summary))
        return cache[(k, chosen)]

    def evaluate(c: dict[str, float]) -> dict[str, float]:
        per_doc = [rouge(k, select(f, c)) for k, f in enumerate(feats)]
        r1 = np.array([d["rouge1"] for d in per_doc]) * 100
        return {**c, "rouge1": r1.mean(), "rouge2": np.mean([d["rouge2"] for d in per_doc]) * 100,
                "rougeLsum": np.mean([d["rougeLsum"] for d in per_doc]) * 100,
                "rouge1_even": r1[0::2].mean(), "rouge1_odd": r1[1::2].mean()}

    best = dict(current_constants())
    seen: dict[tuple[float, ...], dict[str, float]] = {}
    for sweep in range(args.sweeps):
        for name, values in GRID.items():
            for value in values:
                c = {**best, name: value}
                key = tuple(c.values())
                if key not in seen:
                    seen[key] = evaluate(c)
            candidates = [seen[tuple({**best, name: v}.values())] for v in values]
            winner = max(candidates, key=lambda r: r["rouge1"])
            best[name] = winner[name]
            print(json.dumps({"sweep": sweep, "constant": name,
                              "rouge1_by_value": {str(r[name]): round(r["rouge1"], 2) for r in candidates},
                              "chosen": winner[name]}), flush=True)
    ranked = sorted(seen.values(), key=lambda r: -r["rouge1"])
    for r in ranked[: args.top]:
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}))
    mine = seen.get(tuple(current_constants().values())) or evaluate(current_constants())
    print("current constants:", json.dumps({k: round(v, 2) for k, v in mine.items()}))


def current_constants() -> dict[str, float]:
    """The constants :mod:`summarizers.methods.newsrank` ships with, by grid name."""
    return {"position_scale": nr.POSITION_SCALE, "backward_weight": nr.BACKWARD_WEIGHT,
            "centrality_weight": nr.CENTRALITY_WEIGHT, "headline_weight": nr.HEADLINE_WEIGHT,
            "short_words": nr.SHORT_WORDS, "redundancy": nr.REDUNDANCY}

if __name__ == "__main__":
    main()

"""Summaries that say the same thing twice, and ROUGE, for the default method.

    python -m benchmarks.bench_repeats ../shared/datasets/summeval/summeval.jsonl \
        ../shared/datasets/bbc-news-summary/bbc-news-summary.jsonl --limit 400

For each data set (JSONL with ``document`` and ``summary``: a string or a list of references)
it summarizes every article with the method and length given, counts the summaries holding two
sentences whose ROUGE-2 F1 between them reaches ``--overlap`` (a near-repeat pair), and reports
ROUGE-1/2/L F1 against the references (multi-reference: the best reference per summary), as
JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from rouge_score import rouge_scorer

from summarizers import SummarizerError, summarize
from summarizers.types import DEFAULT_METHOD


def measure(path: Path, method: str, sentences: int, overlap: float, limit: int | None) -> dict[str, object]:
    """Repeat pairs and mean ROUGE F1 (x100) of ``method`` on the articles of ``path``."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    pair_scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    articles = with_repeats = 0
    examples = []
    with path.open(encoding="utf-8") as f:
        for line in itertools.islice(f, limit):
            record = json.loads(line)
            try:
                result = summarize(record["document"], method=method, length={"sentences": sentences})
            except SummarizerError:
                continue
            picked = [s.text for s in result.sentences]
            articles += 1
            pairs = [(a, b) for a, b in itertools.combinations(picked, 2)
                     if pair_scorer.score(a, b)["rouge2"].fmeasure >= overlap]
            if pairs:
                with_repeats += 1
                examples.append(pairs[0])
            references = record["summary"] if isinstance(record["summary"], list) else [record["summary"]]
            scores = scorer.score_multi(references, result.summary)
            for key in totals:
                totals[key] += scores[key].fmeasure
    return {"path": str(path), "method": method, "articles": articles, "with_repeat_pair": with_repeats,
            **{key: round(100 * value / max(1, articles), 2) for key, value in totals.items()},
            "examples": examples[:3]}


def main(argv: list[str] | None = None) -> int:
    """Print the figures for each data set as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--method", default=DEFAULT_METHOD)
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--overlap", type=float, default=0.3)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    for path in args.paths:
        json.dump(measure(path, args.method, args.sentences, args.overlap, args.limit), sys.stdout,
                  ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

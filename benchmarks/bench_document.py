"""Speed of the per-article path: the document stage and each method, against segmentation.

    python -m benchmarks.bench_document ../shared/datasets/bbc-news-summary/bbc-news-summary.jsonl \
        --articles 800 --methods lead,newsrank,lexrank,textrank

Everything runs in one process on the same texts, so the ratios hold on a busy machine: first
sentencex segmentation of every line (the floor any method pays), then
:func:`summarizers.prepare` (the document stage: segmentation plus the boilerplate rules and
signals), then a whole ``summarize`` call per method. It prints articles per second and each
time as a multiple of segmentation, as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from summarizers import build_document, summarize
from summarizers.text.segment import split_sentences
from summarizers.types import DEFAULT_METHOD


def load(path: Path, limit: int) -> list[str]:
    """The first ``limit`` documents of a JSONL file (a ``document`` field per record)."""
    texts = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["document"])
            if len(texts) >= limit:
                break
    return texts


def _segment(text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            split_sentences(line, "en")


def timed(texts: list[str], work: Callable[[str], object], repeat: int) -> float:
    """The best of ``repeat`` runs of ``work`` over every text, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for text in texts:
            work(text)
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--articles", type=int, default=800)
    parser.add_argument("--methods", default=f"lead,{DEFAULT_METHOD}")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measure; the best counts")
    args = parser.parse_args(argv)
    texts = load(args.path, args.articles)
    summarize(texts[0], method="lead")  # imports and caches warm
    runs: dict[str, Callable[[str], object]] = {"segmentation": _segment,
                                                "document": lambda t: build_document(t, "english")}
    for method in args.methods.split(","):
        runs[method] = lambda t, m=method: summarize(t, method=m)
    seconds = {name: timed(texts, work, args.repeat) for name, work in runs.items()}
    base = seconds["segmentation"]
    report = {
        "articles": len(texts),
        "results": {name: {"articles_per_s": round(len(texts) / s, 1), "seconds": round(s, 3),
                           "x_segmentation": round(s / base, 1)} for name, s in seconds.items()},
    }
    json.dump(report, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The digest's grouping stage at scale (develop only): near-duplicates and stories over N articles.

::

    python -m benchmarks.bench_grouping_scale                      # 50,000 articles
    python -m benchmarks.bench_grouping_scale --articles 10000 --json

The articles are BBC News' 2,225 analysed the digest's way (:func:`benchmarks.bench_grouping.analyse`),
then varied to N: each variant keeps a random half of every sentence's content words, of its
title's words and of its names (so variants of one article are similar but not copies, and each
vocabulary is shared by N / 2,225 articles), with its own MinHash signature over the kept words
(the near-duplicate search runs in full and finds no copies). The grouping stage
(:func:`summarizers.digest.build.find_stories`: MinHash LSH near-duplicates, then sparse
nearest-neighbour average-link stories) runs in a fresh process, which prints its wall-clock
seconds and its peak resident memory above what the loaded articles took (Linux ``/proc``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import pickle
import random
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from summarizers.digest.analysed import AnalysedArticle
from summarizers.digest.dedup import signature

from .bench_digest_scale import print_figures
from .bench_grouping import analyse, read

DATA = (Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "bbc-news-summary"
        / "bbc-news-summary.jsonl")


def variant(article: AnalysedArticle, k: int, rng: random.Random) -> AnalysedArticle:
    """``article`` with a random half of its content words, title words and names, as article ``k``
    (its MinHash over the kept words: variants of one article are not copies of each other)."""
    terms = tuple(tuple(t for t in sentence if rng.random() < 0.5) for sentence in article.terms)
    title_terms = tuple(t for t in article.title_terms if rng.random() < 0.5)
    names = frozenset(n for n in sorted(article.names) if rng.random() < 0.5)
    return dataclasses.replace(article, id=f"{article.id}~{k}", index=k, terms=terms, title_terms=title_terms,
                               names=names, minhash=signature([t for sentence in terms for t in sentence]))


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _group(path: str) -> None:
    """In the fresh process: load, group, print the figures as JSON."""
    from summarizers.digest.build import find_stories

    with open(path, "rb") as f:
        articles = pickle.load(f)
    loaded = _memory_kib("VmRSS")
    reset = False
    with contextlib.suppress(OSError):  # the peak from here on (Linux: 5 resets VmHWM to the resident size)
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    start = time.monotonic()
    stories, copies = find_stories(articles)
    seconds = time.monotonic() - start
    peak = round((_memory_kib("VmHWM") - loaded) / 1024)
    print(json.dumps({"articles": len(articles), "stories": len(stories), "copies": len(copies),
                      "seconds": round(seconds, 1), "peak_mib_above_loaded": peak,
                      "peak_counts_from": "the grouping" if reset else "the process start (no /proc reset)"}))


def main(argv: Sequence[str] | None = None) -> int:
    """Build the articles, group them in a fresh process, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_grouping_scale",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="bbc-news-summary.jsonl")
    parser.add_argument("--articles", type=int, default=50_000, help="how many articles (default 50,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    parser.add_argument("--group", help=argparse.SUPPRESS)  # the fresh process's entry
    args = parser.parse_args(argv)
    if args.group:
        _group(args.group)
        return 0
    warnings.filterwarnings("ignore")
    base = analyse(read(args.data), "english")
    rng = random.Random(args.seed)
    articles = [variant(base[k % len(base)], k, rng) for k in range(args.articles)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.pickle"
        path.write_bytes(pickle.dumps(articles))
        done = subprocess.run([sys.executable, "-m", "benchmarks.bench_grouping_scale", "--group", str(path)],
                              check=False, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return done.returncode
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print_figures(figures, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

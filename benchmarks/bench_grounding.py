"""Time :func:`summarizers.check_faithfulness` on news-length input (one core, CPU time).

    python -m benchmarks.bench_grounding                                   # SummEval, if present
    python -m benchmarks.bench_grounding --dataset ../shared/datasets/summeval/summeval.jsonl --limit 50

Each SummEval article (~700 words) comes with 16 systems' summaries. Three figures, in CPU
seconds of this process (so other processes on a busy machine count less):

* index: building the source index of one article (sentences, stems, facts), once per article
  (after a warm-up pass: the stemmer's cache is filled once per process);
* check: summaries checked per second against an index already built (16 per article);
* cold: summaries per second when every summary has its own article (index built each time).

Figures on a shared machine are noisy: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from summarizers.grounding import build_index, check_faithfulness

DEFAULT_DATASET = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "summeval" / "summeval.jsonl"


def load(path: Path, limit: int) -> list[tuple[str, list[str]]]:
    """``(article, summaries)`` pairs from a SummEval-style JSONL file."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            out.append((record["document"], list(record["system_outputs"].values())))
            if len(out) >= limit:
                break
    return out


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--limit", type=int, default=100, help="articles (default 100)")
    parser.add_argument("--language", default="english")
    args = parser.parse_args()
    data = load(args.dataset, args.limit)
    words = sum(len(a.split()) for a, _ in data) / len(data)
    total = sum(len(s) for _, s in data)

    for article, _ in data:  # warm up: the stemmer's cache, first imports
        build_index(article, args.language)
    build_index.cache_clear()
    t = time.process_time()
    indexes = [build_index(a, args.language) for a, _ in data]
    index_s = (time.process_time() - t) / len(data)

    t = time.process_time()
    for index, (_, summaries) in zip(indexes, data, strict=True):
        for s in summaries:
            check_faithfulness(s, index)
    check_rate = total / (time.process_time() - t)

    build_index.cache_clear()
    t = time.process_time()
    for article, summaries in data:
        build_index.cache_clear()
        check_faithfulness(summaries[0], article, language=args.language)
    cold_rate = len(data) / (time.process_time() - t)

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"python {platform.python_version()}")
    print(f"{len(data)} articles (mean {words:.0f} words), {total} summaries")
    print(f"index: {index_s * 1000:.2f} ms per article")
    print(f"check: {check_rate:.0f} summaries per CPU second (index built once per article)")
    print(f"cold:  {cold_rate:.0f} summaries per CPU second (index built for every summary)")


if __name__ == "__main__":
    main()

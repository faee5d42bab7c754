"""Time and memory of every extractive method, sumy's code and the fast path side by side.

::

    python -m benchmarks.bench_extractive              # a table
    python -m benchmarks.bench_extractive --json       # the same figures as one JSON object
    python -m benchmarks.bench_extractive --sizes 100,1000 --cap 20

For every extractive method and each implementation it has (``fast`` and ``sumy`` where
``options.implementation`` exists, ``default`` otherwise), one subprocess summarizes synthetic
news-like documents of 100, 1,000 and 5,000 sentences (seeded: a Zipf vocabulary, 8-30 words a
sentence, four sentences a paragraph) and reports the milliseconds of ``Method.summarize``
(scoring and selection; segmentation is timed apart as ``prepare_ms``): ``ms`` is the CPU time
of the process (honest on a shared machine; numpy here runs on one thread) and ``wall_ms`` the
elapsed time, each the best of up to three runs when a run takes under a second, and the
peak of memory allocated during the call
(``tracemalloc``, which sees numpy's buffers). Sentence limits are lifted inside the benchmark;
``refused`` says whether the method's configured limit would refuse that size. Each size runs
in its own subprocess (segmentation and imports are not timed); one that runs past ``--cap``
seconds is killed: its size and the larger ones read ``"> cap"`` (``ms`` null).
The cap is wall-clock, so on a busy machine it cuts earlier than the CPU figures suggest.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from typing import Any

SIZES = (100, 1000, 5000)
STOP = (
    "the", "a", "of", "to", "and", "in", "that", "is", "was", "for", "on", "with", "as", "by", "at",
    "from", "it", "he", "she", "they", "said", "has", "have", "will", "be", "are", "not", "but",
    "this", "after", "its", "their", "who", "which", "would", "more", "than", "been", "also", "had",
    "an", "or",
)


def synthetic_text(sentences: int, seed: int = 0) -> str:
    """A deterministic news-like text of ``sentences`` sentences (no two alike)."""
    rng = random.Random(seed)
    syllables = ["ka", "ro", "mi", "ten", "sal", "dor", "ve", "lin", "qua", "pre", "bas", "tor", "nel", "gri"]
    vocabulary = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(6000)})
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocabulary))))
    lines, paragraph = [], []
    for i in range(sentences):
        words = []
        for _ in range(rng.randint(8, 30)):
            words.append(rng.choice(STOP) if rng.random() < 0.4 else rng.choices(vocabulary, cum_weights=cumulative)[0])
        words[0] = words[0].capitalize()
        paragraph.append(" ".join(words) + f" number{i}.")
        if len(paragraph) == 4:
            lines.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        lines.append(" ".join(paragraph))
    return "\n".join(lines)


def measure(method_name: str, implementation: str, sizes: Sequence[int]) -> None:
    """Print one JSON line per size for one method and implementation (run in a subprocess)."""
    import summarizers
    from summarizers import Length

    options = {} if implementation == "default" else {"implementation": implementation}
    request = summarizers.default_registry().prepare(method_name, Length(sentences=3), "english", options)
    method = request.method
    limit = method.sentence_limit(request)
    method.limit_sentences(10**9)
    method.summarize(summarizers.build_document(synthetic_text(5, seed=1), "english"), request)  # warm up
    for size in sizes:
        started = time.perf_counter()
        document = summarizers.build_document(synthetic_text(size), "english")
        prepare_ms = (time.perf_counter() - started) * 1000
        times, walls = [], []
        while len(times) < 3 and (not times or sum(times) < 1000):
            started, wall = time.process_time(), time.perf_counter()
            method.summarize(document, request)
            times.append((time.process_time() - started) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        tracemalloc.start()  # a separate run: tracing slows allocation down, so it is not timed
        method.summarize(document, request)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(json.dumps({"size": size, "sentences": len(document.sentences), "ms": round(min(times), 2),
                          "wall_ms": round(min(walls), 2),
                          "peak_mib": round(peak / 2**20, 2), "prepare_ms": round(prepare_ms, 1),
                          "refused": limit is not None and len(document.sentences) > limit}), flush=True)


def implementations(method: Any) -> list[str]:
    """The implementations of ``method`` to time."""
    names = {p.name for p in method.all_parameters()}
    return ["sumy", "fast"] if "implementation" in names else ["default"]


def run(method_name: str, implementation: str, sizes: Sequence[int], cap: float) -> dict[str, Any]:
    """Time one method and implementation, one subprocess per size, each killed after ``cap``
    seconds (then the larger sizes are not tried: they read ``"> cap"`` too)."""
    results: dict[str, Any] = {}
    for size in sizes:
        if results and any(r.get("ms") is None for r in results.values()):
            results[str(size)] = {"ms": None, "over_cap_s": cap}
            continue
        command = [sys.executable, "-m", "benchmarks.bench_extractive", "--one", method_name, implementation,
                   "--sizes", str(size)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=cap, check=False)
        except subprocess.TimeoutExpired:
            results[str(size)] = {"ms": None, "over_cap_s": cap}
            continue
        if done.returncode:
            results[str(size)] = {"ms": None, "error": done.stderr.strip()[-300:]}
            continue
        row = json.loads(done.stdout.splitlines()[-1])
        results[str(row.pop("size"))] = row
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print a table, or JSON with ``--json``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="sentence counts (100,1000,5000)")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds before a subprocess is killed")
    parser.add_argument("--methods", help="only these methods (comma-separated)")
    parser.add_argument("--one", nargs=2, metavar=("METHOD", "IMPLEMENTATION"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.one:
        measure(args.one[0], args.one[1], sizes)
        return

    import summarizers

    registry = summarizers.default_registry()
    wanted = args.methods.split(",") if args.methods else [m.name for m in registry if m.kind == "extractive"]
    report: dict[str, Any] = {"sizes": sizes, "cap_s": args.cap, "unit": "ms", "methods": {}}
    for name in wanted:
        method = registry.get(name)
        entry: dict[str, Any] = {"cost_class": method.cost().cost_class}
        for impl in implementations(method):
            entry[impl] = run(name, impl, sizes, args.cap)
        report["methods"][name] = entry
        if not args.json:
            print(_row(name, entry, sizes), flush=True)
    if args.json:
        print(json.dumps(report, indent=2))


def _row(name: str, entry: dict[str, Any], sizes: Sequence[int]) -> str:
    cells = []
    for impl in ("sumy", "fast", "default"):
        if impl in entry:
            figures = []
            for size in sizes:
                r = entry[impl][str(size)]
                ms = "> cap" if r.get("ms") is None else f"{r['ms']:.0f}"
                figures.append(f"{size}:{ms}ms/{r.get('peak_mib', '-')}MiB{' (refused)' if r.get('refused') else ''}")
            cells.append(f"{impl} " + " ".join(figures))
    return f"{name:10s} [{entry['cost_class']}] " + " | ".join(cells)


if __name__ == "__main__":
    main()

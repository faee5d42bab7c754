"""What the document stage leaves out of real text, per rule and per signal.

    python -m benchmarks.bench_boilerplate ../shared/datasets/bbc-news-summary/bbc-news-summary.jsonl \
        ../shared/datasets/summeval/summeval.jsonl ../shared/samples/*.txt

For each input (a JSONL data set with a ``document`` field, one record per article, or a text
file) it prints how many pieces each boilerplate rule family removed, how often each general
signal took part in a removal, how many short unpunctuated lines were set aside as fragments,
how many articles were rejected, and (for the data sets) the same articles with their paragraphs
joined into one line. On article text without boilerplate (BBC) every removal is a loss; on
scraped pages the removals are the boilerplate.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from summarizers import SummarizerError, build_document


def documents(path: Path) -> Iterator[tuple[str, str | None]]:
    """``(text, title)`` of each article of ``path`` (JSONL records, or one text file)."""
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                yield record["document"], record.get("title")
    else:
        yield path.read_text(encoding="utf-8"), None


def measure(texts: list[tuple[str, str | None]], language: str) -> dict[str, object]:
    """Counts of removals by reason and by signal, fragments, rejections, sentences kept."""
    reasons: Counter[str] = Counter()
    by_signal: Counter[str] = Counter()
    rejected = kept = 0
    examples: dict[str, str] = {}
    for text, title in texts:
        try:
            doc = build_document(text, language, title=title)
        except SummarizerError:
            rejected += 1
            continue
        kept += len(doc.sentences)
        for r in doc.removed:
            reasons[r.reason] += 1
            by_signal.update(r.signals)
            examples.setdefault(r.reason, r.text[:100])
    return {"articles": len(texts), "rejected": rejected, "sentences_kept": kept,
            "removed_by_reason": dict(reasons.most_common()), "signals_in_removals": dict(by_signal.most_common()),
            "example_per_reason": examples}


def main(argv: list[str] | None = None) -> int:
    """Print the figures for each path as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--language", default="english")
    parser.add_argument("--one-line", action="store_true", help="also measure every article joined into one line")
    args = parser.parse_args(argv)
    for path in args.paths:
        texts = list(documents(path))
        started = time.perf_counter()
        report = {"path": str(path), **measure(texts, args.language)}
        report["seconds"] = round(time.perf_counter() - started, 2)
        if args.one_line:
            joined = [(" ".join(t.split("\n")), None) for t, _ in texts]
            report["one_line"] = measure(joined, args.language)
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

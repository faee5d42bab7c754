"""The digest at scale: BBC News (2,225 articles) plus two syndicated copies of each.

::

    python -m benchmarks.bench_digest_scale                 # 6,675 inputs, --jobs 1
    python -m benchmarks.bench_digest_scale --limit 300 --jobs 2

Each copy is the original lightly edited as syndication does: a dateline added, one paragraph
dropped (a different one in each copy), a credit line appended, and a changed title; it is
published an hour (two hours) after the original. The script writes the inputs to a temporary
JSON Lines file, runs ``summarize digest`` and ``summarize batch`` on it (the same settings, the
same ``--jobs``, each in its own process, timed wall-clock), and prints:

- **duplicate recall**: the share of copies in their original's story, and the share reported
  as duplicates (of their original, or of the article the original is itself a copy of);
- **repeated sentences**: pairs of summary sentences anywhere in the digest whose ROUGE-2 F1
  (rouge-score's tokenizer with stemming) is at least 0.5, found through an inverted index of
  bigrams (exact: a pair sharing no bigram scores 0);
- **time**: the digest's seconds, the batch's, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from rouge_score import tokenizers

DATA = (Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "bbc-news-summary"
        / "bbc-news-summary.jsonl")
DATELINES = ("LONDON (Newswire) -", "NEW YORK, {month} (Syndicate) -")
CREDITS = ("(Reporting by Newswire staff; editing by the desk.)", "Copyright 2005 Syndicate. All rights reserved.")
TITLES = ("UPDATE 1-{title}", "{title} - report")


def copies(record: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """The original and its two syndicated copies, as digest records."""
    paragraphs = [p for p in record["document"].split("\n") if p.strip()]
    out = [{"id": record["id"], "title": record["title"], "source": "BBC", "text": "\n\n".join(paragraphs),
            "published": "2005-03-01T08:00:00Z"}]
    for n in (0, 1):
        kept = paragraphs[:]
        if len(kept) > 3:
            del kept[rng.randrange(1, len(kept))]
        kept[0] = DATELINES[n].format(month="March 1") + " " + kept[0]
        kept.append(CREDITS[n])
        out.append({"id": f"{record['id']}~copy{n + 1}", "title": TITLES[n].format(title=record["title"]),
                    "source": ("Newswire", "Syndicate")[n], "text": "\n\n".join(kept),
                    "published": f"2005-03-01T{9 + n:02d}:00:00Z"})
    return out


def repeated_pairs(sentences: Sequence[str], threshold: float = 0.5) -> int:
    """Pairs of ``sentences`` whose ROUGE-2 F1 is at least ``threshold``."""
    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)
    bags = [Counter(pairwise(tokenizer.tokenize(s))) for s in sentences]
    where: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    found = 0
    for i, bag in enumerate(bags):
        seen: set[int] = set()
        for gram in bag:
            for j in where[gram]:
                if j in seen:
                    continue
                seen.add(j)
                common = sum((bag & bags[j]).values())
                p, r = common / sum(bag.values()), common / sum(bags[j].values())
                if p + r and 2 * p * r / (p + r) >= threshold:
                    found += 1
        for gram in bag:
            where[gram].append(i)
    return found


def print_figures(figures: dict[str, Any], as_json: bool) -> None:
    """The figures as one JSON object, or one ``key: value`` line each."""
    if as_json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")


def _timed(command: list[str]) -> float:
    start = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def main(argv: Sequence[str] | None = None) -> int:
    """Build the inputs, run both commands, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_digest_scale", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="bbc-news-summary.jsonl")
    parser.add_argument("--limit", type=int, help="only the first N BBC articles")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for both commands (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with open(args.data, encoding="utf-8") as f:
        originals = [json.loads(line) for line in f if line.strip()][: args.limit]
    records = [r for o in originals for r in copies(o, rng)]
    rng.shuffle(records)
    with tempfile.TemporaryDirectory() as tmp:
        source, digest_out, batch_out = (Path(tmp) / n for n in ("in.jsonl", "digest.json", "batch.jsonl"))
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        cli = [sys.executable, "-m", "summarizers.cli.main"]
        digest_s = _timed([*cli, "digest", str(source), "--out", str(digest_out), "--jobs", str(args.jobs),
                           "--no-progress"])
        batch_s = _timed([*cli, "batch", str(source), "--out", str(batch_out), "--jobs", str(args.jobs),
                          "--progress", "off"])
        digest = json.loads(digest_out.read_text(encoding="utf-8"))
    story_of = {d: k for k, s in enumerate(digest["stories"]) for d in s["documents"]}
    duplicate_of = {d["id"]: d["of"] for s in digest["stories"] for d in s["duplicates"]}
    copy_ids = [r["id"] for r in records if "~copy" in r["id"]]
    in_story = sum(1 for c in copy_ids if c in story_of and story_of[c] == story_of.get(c.split("~")[0]))
    # reported as a duplicate of its original, or of the original's own copy set (BBC has a few
    # articles twice: their copies may name the other one)
    reported = sum(1 for c in copy_ids if c in duplicate_of
                   and story_of.get(duplicate_of[c]) == story_of.get(c.split("~")[0]))
    sentences = [x["text"] for s in digest["stories"] for x in s["sentences"]]
    figures = {
        "inputs": len(records), "stories": len(digest["stories"]), "refused": len(digest["errors"]),
        "copies_in_original_story": round(in_story / max(1, len(copy_ids)), 4),
        "copies_reported_as_duplicates": round(reported / max(1, len(copy_ids)), 4),
        "summary_sentences": len(sentences), "repeated_pairs_rouge2_ge_0.5": repeated_pairs(sentences),
        "digest_seconds": round(digest_s, 1), "batch_seconds": round(batch_s, 1),
        "time_ratio": round(digest_s / batch_s, 2) if batch_s else None, "jobs": args.jobs,
    }
    print_figures(figures, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

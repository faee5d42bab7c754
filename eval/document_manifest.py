"""A manifest of what the document stage does to real text, to prove a rewrite changes nothing.

    python -m summarizers_eval.document_manifest ../shared/datasets/bbc-news-summary/bbc-news-summary.jsonl \
        ../shared/datasets/summeval/summeval.jsonl ../shared/samples/scraped-news-article.txt \
        --write tests/data/document_manifest.json

For every article (as given, and with its lines joined into one line) it records every removal
(offsets, reason, signals), the headline and every candidate sentence with its offsets. The
manifest keeps a digest of each article's result and the removals themselves in full, so that
a deliberate change of the rules shows up as a readable diff of removals. ``--check`` compares
today's code with a saved manifest and lists the articles that differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from summarizers import SummarizerError, build_document

#: Bumped when the recorded fields change (a manifest of another version is not comparable).
VERSION = 1


def articles(path: Path) -> Iterator[tuple[str, str, str | None]]:
    """``(key, text, title)`` of each article of ``path`` and of its one-line variant."""
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as f:
            for row, line in enumerate(f):
                record = json.loads(line)
                key = f"{path.stem}:{record.get('id', row)}"
                yield key, record["document"], record.get("title")
                yield f"{key}:one-line", " ".join(record["document"].split("\n")), None
    else:
        text = path.read_text(encoding="utf-8")
        yield f"{path.stem}", text, None
        yield f"{path.stem}:one-line", " ".join(text.split("\n")), None


def outcome(text: str, title: str | None, language: str = "english") -> dict[str, Any]:
    """What :func:`summarizers.build_document` makes of one article, as plain data."""
    try:
        doc = build_document(text, language, title=title)
    except SummarizerError as exc:
        return {"error": f"{exc.code}: {exc}", "removed": []}
    return {
        "headline": [doc.headline.start, doc.headline.end] if doc.headline else None,
        "paragraphs": [[[s.start, s.end] for s in p] for p in doc.paragraphs],
        "removed": [[r.start, r.end, r.reason, list(r.signals), r.text] for r in doc.removed],
    }


def digest(result: dict[str, Any]) -> str:
    """A short digest of an article's result."""
    blob = json.dumps(result, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:20]


def build(paths: list[Path], language: str = "english") -> dict[str, Any]:
    """The manifest of ``paths``: per article its digest, and its removals when it has any."""
    entries: dict[str, Any] = {}
    for path in paths:
        for key, text, title in articles(path):
            result = outcome(text, title, language)
            entry: dict[str, Any] = {"digest": digest(result)}
            if result["removed"]:
                entry["removed"] = [[*r[:3], r[4][:120]] for r in result["removed"]]
            if "error" in result:
                entry["error"] = result["error"]
            entries[key] = entry
    return {"version": VERSION, "language": language, "articles": entries}


def differences(saved: dict[str, Any], today: dict[str, Any]) -> list[str]:
    """The articles whose result differs between two manifests, each with what changed."""
    lines = []
    old, new = saved["articles"], today["articles"]
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"{key}: only in {'today' if a is None else 'the saved manifest'}")
            continue
        lost = [r for r in a.get("removed", []) if r not in b.get("removed", [])]
        added = [r for r in b.get("removed", []) if r not in a.get("removed", [])]
        detail = "; ".join([*(f"no longer removed {r}" for r in lost), *(f"newly removed {r}" for r in added)])
        lines.append(f"{key}: {detail or 'sentences or headline differ'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Write a manifest, or check today's code against one."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--language", default="english")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the manifest to this file")
    group.add_argument("--check", type=Path, help="compare today's code with this manifest")
    args = parser.parse_args(argv)
    manifest = build(args.paths, args.language)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(json.dumps(manifest, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                              encoding="utf-8")
        print(f"{len(manifest['articles'])} articles written to {args.write}")
        return 0
    diff = differences(json.loads(args.check.read_text(encoding="utf-8")), manifest)
    for line in diff:
        print(line)
    print(f"{len(diff)} of {len(manifest['articles'])} articles differ")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

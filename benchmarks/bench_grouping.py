"""Story grouping against event labels (develop only): the digest's grouping at several link
thresholds, and a TF-IDF average-link clustering tuned on the set for comparison.

::

    python -m benchmarks.bench_grouping --data articles.jsonl --labels events.json [--subset-field topic]
    python -m benchmarks.bench_grouping --data articles.jsonl --label-field event --thresholds 0.2,0.25,0.3

``--data``: JSON Lines articles (``id``, ``text`` or ``document``, optional ``title``,
``published``, ``language``), or MultiLing's clusters (their documents). The labels come from
``--labels`` (JSON objects ``{id: event}``, several files merged; ``tests/data/events`` holds
event labels of BBC News Summary and MultiLing 2011, see its README) or from each record's
``--label-field``. Every article is analysed the digest's way (once per set it is in)
(:class:`~summarizers.digest.worker.DigestWorker`); its stories
(:func:`summarizers.digest.build.find_stories`: near-duplicates, then the grouping) are then
found at each threshold of ``--thresholds`` (the default's value marked ``*``) and scored with
B-cubed precision, recall and F1 against the labels (stories never cross languages), over all
articles and per value of ``--subset-field``; "copies only" (the near-duplicates joined, every
other article a story of one) shows what a set of mostly lone articles gives for nothing, and
the "several" columns score only the articles of events told by several different articles
(copies aside), which is where joining matters. The reference: TF-IDF of the texts' words
(sublinear term frequency, smooth IDF, L2-normalised), exact average-link over all pairs
(:func:`scipy.cluster.hierarchy.linkage`, memory quadratic in the set: a few thousand articles;
it ignores languages)
cut at the cosine threshold of a grid that scores best on the set itself, i.e. tuned on the
labels: the bar the digest's one default should reach without tuning. ``--small-sets N`` adds small digests drawn
from each set (the CMS case: an event's articles among a few others, and random few), at the
default threshold. ``--pairs`` prints the share of an event's pairs of different articles whose
cosine reaches each threshold, and the number of pairs of different events that do.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage

from summarizers.digest import grouping
from summarizers.digest.analysed import AnalysedArticle
from summarizers.digest.build import find_stories, make_plan
from summarizers.digest.records import from_mapping
from summarizers.digest.worker import DigestWorker
from summarizers.registry import default_registry
from summarizers.types import DEFAULT_METHOD

THRESHOLDS = (0.12, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50)
TUNING_GRID = tuple(round(0.02 + 0.01 * k, 2) for k in range(94))  # 0.02 to 0.95


def bcubed(labels: Sequence[Any], truth: Sequence[Any], only: Sequence[bool] | None = None
           ) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (``labels``) against the classes
    (``truth``), averaged over every item or over those marked in ``only``."""
    pairs = Counter(zip(labels, truth, strict=True))
    clusters, classes = Counter(labels), Counter(truth)
    if only is not None and len(only) != len(labels):
        raise ValueError("only must mark every item")
    chosen = [i for i in range(len(labels)) if only is None or only[i]]
    if not chosen:
        return 0.0, 0.0, 0.0
    common = [pairs[labels[i], truth[i]] for i in chosen]
    precision = sum(c / clusters[labels[i]] for c, i in zip(common, chosen, strict=True)) / len(chosen)
    recall = sum(c / classes[truth[i]] for c, i in zip(common, chosen, strict=True)) / len(chosen)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def analyse(records: Sequence[Mapping[str, Any]], language: str) -> list[AnalysedArticle]:
    """The records analysed as the digest does (refused records left out, counted on stderr)."""
    plan = make_plan(default_registry(), DEFAULT_METHOD, {"sentences": 1}, language, None)
    worker = DigestWorker(plan)
    out = []
    refused: Counter[str] = Counter()
    for index, record in enumerate(records):
        fields = {k: record[k] for k in ("id", "title", "published", "language") if record.get(k)}
        fields["text"] = record.get("text") or record.get("document")
        result = worker.analyse(from_mapping(fields, index))
        if isinstance(result, AnalysedArticle):
            out.append(result)
        else:
            refused[str(result.get("code"))] += 1
    if refused:
        print(f"refused {sum(refused.values())} of {len(records)}: {dict(refused)}", file=sys.stderr)
    return out


def digest_labels(analysed: Sequence[AnalysedArticle], threshold: float) -> list[int]:
    """Each article's story number under the digest's grouping at ``threshold``."""
    stories, _ = find_stories(analysed, threshold=threshold)
    label = [0] * len(analysed)
    for k, story in enumerate(stories):
        for i in story:
            label[i] = k
    return label


def event_members(analysed: Sequence[AnalysedArticle], truth: Sequence[Any]) -> dict[Any, list[int]]:
    """Each event's articles, one per set of near-duplicate copies (the first), in order."""
    members: dict[Any, dict[int, int]] = {}
    for i, (label, true) in enumerate(zip(digest_labels(analysed, math.inf), truth, strict=True)):
        members.setdefault(true, {}).setdefault(label, i)
    return {true: list(m.values()) for true, m in members.items()}


def in_several(analysed: Sequence[AnalysedArticle], truth: Sequence[Any]) -> list[bool]:
    """Whether each article's event is told by several different articles (copies aside)."""
    members = event_members(analysed, truth)
    return [len(members[true]) > 1 for true in truth]


def tfidf_rows(texts: Sequence[str]) -> sp.csr_matrix:
    """Sparse L2-normalised TF-IDF rows of the texts' lower-cased words (the reference's vectors)."""
    vocabulary: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        for word, count in Counter(re.findall(r"\w+", text.lower())).items():
            rows.append(r)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            vals.append(1.0 + np.log(count))
    counts = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocabulary)))
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    weighted = sp.csr_matrix(counts @ sp.diags(np.log((1 + len(texts)) / (1 + df)) + 1.0))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-12)) @ weighted)


def tuned_reference(texts: Sequence[str], truth: Sequence[Any], only: Sequence[bool] | None = None
                    ) -> tuple[float, int, tuple[float, float, float]]:
    """(best threshold, its stories, its B-cubed) of exact TF-IDF average-link over ``TUNING_GRID``,
    tuned for the B-cubed F1 over every item or over those marked in ``only``."""
    vectors = tfidf_rows(texts)
    similarity = np.clip((vectors @ vectors.T).toarray(), 0.0, 1.0)
    condensed = (1.0 - similarity)[np.triu_indices(len(texts), k=1)]
    tree = linkage(condensed, method="average")
    best: tuple[float, int, tuple[float, float, float]] = (0.0, 0, (0.0, 0.0, 0.0))
    for threshold in TUNING_GRID:
        labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
        score = bcubed(labels.tolist(), truth, only)
        if score[2] > best[2][2]:
            best = (threshold, len(set(labels.tolist())), score)
    return best


def read(path: Path) -> list[dict[str, Any]]:
    """The JSON Lines articles of ``path``; a record with ``documents`` (a MultiLing cluster) gives
    its documents, with the cluster's ``lang`` as their ``language`` and its ``topic``."""
    out: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as f:
        for line in filter(str.strip, f):
            record = json.loads(line)
            if "documents" not in record:
                out.append(record)
                continue
            out.extend({"id": d["id"], "title": d.get("title"), "text": d["text"], "published": d.get("date"),
                        "language": record.get("lang"), "topic": record.get("topic")} for d in record["documents"])
    return out


def small_sets(analysed: Sequence[AnalysedArticle], truth: Sequence[Any], count: int, seed: int = 0) -> str:
    """Figures of the grouping (default threshold) on ``count`` small digests drawn from ``analysed``:
    the different articles of one event (copies aside) with 0 to 16 other articles, and random
    sets of 2 to 20 articles; one line."""
    rng = random.Random(seed)
    events = [m for m in event_members(analysed, truth).values() if len(m) > 1]
    if not events:
        return "no event of several different articles"
    f1, joined, precision = [], [], []
    for _ in range(count):
        event = rng.choice(events)
        others = [i for i in range(len(analysed)) if truth[i] != truth[event[0]]]
        chosen = event + rng.sample(others, min(len(others), rng.choice((0, 1, 2, 4, 8, 16))))
        found = digest_labels([analysed[i] for i in chosen], grouping.LINK_THRESHOLD)
        f1.append(bcubed(found, [truth[i] for i in chosen])[2])
        joined.append(len(set(found[:len(event)])) == 1)
        sample = rng.sample(range(len(analysed)), min(len(analysed), rng.choice((2, 3, 5, 10, 20))))
        precision.append(bcubed(digest_labels([analysed[i] for i in sample], grouping.LINK_THRESHOLD),
                                [truth[i] for i in sample])[0])
    return (f"small digests ({count} of each): an event's articles with 0, 1, 2, 4, 8 or 16 others: B-cubed F1 "
            f"{np.mean(f1):.3f}, the event in one story {np.mean(joined):.0%}; random sets of 2-20: "
            f"precision {np.mean(precision):.3f}")


def pair_cosines(analysed: Sequence[AnalysedArticle], truth: Sequence[Any], thresholds: Sequence[float]) -> str:
    """The grouping's cosines (:func:`~summarizers.digest.grouping.article_vectors`, no time
    discount) of the pairs of different articles (copies aside) in one event, and of the pairs in
    different events: the share of each reaching every threshold; one line."""
    keep = sorted(i for m in event_members(analysed, truth).values() for i in m)
    vectors = grouping.article_vectors([analysed[i] for i in keep])
    similar = (vectors @ vectors.T).toarray()
    upper = np.triu_indices(len(keep), k=1)
    same = np.array([truth[keep[i]] == truth[keep[j]] for i, j in zip(*upper, strict=True)], dtype=bool)
    values = similar[upper]
    parts = [f"pairs of one event {int(same.sum())}, of different events {int((~same).sum())}; reaching"]
    for t in thresholds:
        together = float((values[same] >= t).mean()) if same.any() else 0.0
        apart = int((values[~same] >= t).sum())
        parts.append(f"{t:.2f}: {together:.0%} / {apart} (1 in {max(1, int((~same).sum())) // max(1, apart)})")
    return " ".join(parts)


def report(analysed: Sequence[AnalysedArticle], truth: Sequence[Any], thresholds: Sequence[float],
           reference: bool) -> None:
    """Print one set's figures (see the module's docstring)."""
    copies = digest_labels(analysed, math.inf)
    several = in_several(analysed, truth)
    print(f"  ({sum(several)} articles are in events of several different articles: the last three "
          "columns score those alone, every article still clustered)", flush=True)
    print("  threshold  precision  recall  B-cubed F1  stories  | several: P      R      F1", flush=True)
    for threshold in thresholds:
        found = digest_labels(analysed, threshold)
        p, r, f = bcubed(found, truth)
        sp_, sr, sf = bcubed(found, truth, several)
        mark = "*" if threshold == grouping.LINK_THRESHOLD else " "
        print(f"  {threshold:.3f}{mark}    {p:.3f}      {r:.3f}   {f:.3f}       {len(set(found)):<7}"
              f"  |          {sp_:.3f}  {sr:.3f}  {sf:.3f}", flush=True)
    p, r, f = bcubed(copies, truth)
    sf = bcubed(copies, truth, several)[2]
    print(f"  copies only (near-duplicates joined, nothing else): precision {p:.3f} recall {r:.3f} "
          f"B-cubed F1 {f:.3f}, {len(set(copies))} stories; several: F1 {sf:.3f}", flush=True)
    if reference:
        texts = [a.text for a in analysed]
        best, stories, (p, r, f) = tuned_reference(texts, truth)
        print(f"  reference (TF-IDF average-link, tuned on this set: threshold {best:.2f}): "
              f"precision {p:.3f} recall {r:.3f} B-cubed F1 {f:.3f}, {stories} stories", flush=True)
        if any(several):
            best, stories, (p, r, f) = tuned_reference(texts, truth, several)
            print(f"  reference tuned for the several: threshold {best:.2f}, precision {p:.3f} recall {r:.3f} "
                  f"F1 {f:.3f}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_grouping", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="JSON Lines articles")
    parser.add_argument("--labels", type=Path, action="append", default=[], help="{id: event} JSON (repeatable)")
    parser.add_argument("--label-field", default="event", help="the records' label field, without --labels")
    parser.add_argument("--subset-field", help="also report per value of this field (e.g. topic)")
    parser.add_argument("--language", default="english", help="the records' language (default english)")
    parser.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)), help="comma-separated link thresholds")
    parser.add_argument("--no-reference", action="store_true", help="skip the tuned TF-IDF reference")
    parser.add_argument("--pairs", action="store_true",
                        help="also print the cosines of same-event and different-event pairs")
    parser.add_argument("--small-sets", type=int, default=0, metavar="N",
                        help="also group N small digests drawn from each set (default 0: none)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    labels: dict[Any, Any] = {}
    for path in args.labels:
        labels.update(json.loads(path.read_text(encoding="utf-8")))
    records = [r for r in read(args.data) if (r["id"] in labels if args.labels else args.label_field in r)]
    event = {r["id"]: labels[r["id"]] if args.labels else r[args.label_field] for r in records}
    subsets: dict[str, list[dict[str, Any]]] = {"(all)": records}
    if args.subset_field:
        for r in records:
            if r.get(args.subset_field) is not None:
                subsets.setdefault(f"{args.subset_field}={r[args.subset_field]}", []).append(r)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    print(f"{len(records)} labelled articles, {len(set(event.values()))} events; default link threshold "
          f"{grouping.LINK_THRESHOLD}", flush=True)
    for name, members in subsets.items():
        analysed = analyse(members, args.language)
        if not analysed:
            print(f"\n{name}: every article refused", flush=True)
            continue
        truth = [(a.language, event[a.id]) for a in analysed]  # stories never cross languages
        print(f"\n{name}: {len(analysed)} articles, {len(set(truth))} events "
              f"({sum(1 for c in Counter(truth).values() if c > 1)} of more than one article)", flush=True)
        report(analysed, truth, thresholds, not args.no_reference)
        if args.pairs:
            print("  cosines: " + pair_cosines(analysed, truth, thresholds), flush=True)
        if args.small_sets:
            print("  " + small_sets(analysed, truth, args.small_sets), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

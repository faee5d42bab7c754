"""Query-focused summaries on real data: do the queries select what they ask for, and what do
they do to ROUGE? ``python -m benchmarks.bench_query [--part single|multi|all]``.

- **single** (BBC News; SummEval has no titles): each article's title as the query (the title itself is not
  given as ``options.title``, so only the query carries it). Reported: the mean share of the
  query's content words (stemmed) that the summary's sentences contain, and ROUGE against the
  references, with and without the query, for newsrank, lexrank and textrank.
- **multi** (MultiLing 2011, English, ``--group-by topic --words 250``): one digest story per
  topic, with no query and with a query derived from the first article (its title; or its
  first sentence). ROUGE-2 F1 against the 2-5 references: averaged over the references (as
  ROUGE-1.5.5 does with several models) and the best reference; plus the lead baseline (lead
  sentences of the articles in turn).
- **statements** (MultiLing 2011 English, DUC 2006's form: a topic statement and human summaries
  that answer it): ``tests/data/queries/multiling2011-en.queries.json`` holds two topic statements
  per topic, each asking about one aspect, with three 250-word summaries answering it written by
  three assessors who read the topic's 10 articles (see that folder's README). Each statement's
  digest story (``--group-by topic --words 250``) with no query, with the statement as the query
  (``title. narrative``), and with the topic's *other* statement as the query (a control: it
  should score lower against these references); plus the lead sentences of the articles in turn.
  ROUGE-2 F1 and recall and ROUGE-1 F1, averaged over the references.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarizers import summarize
from summarizers.digest import summarize_digest
from summarizers.document import build_document
from summarizers.methods.query import query_terms, sentence_terms
from summarizers.registry import default_registry
from summarizers.text.language import get_language
from summarizers_eval.scoring import RougeEvaluator

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
STATEMENTS = Path(__file__).resolve().parents[1] / "tests" / "data" / "queries" / "multiling2011-en.queries.json"


def coverage(summary_terms: Sequence[Sequence[str]], query: str) -> float:
    """The share of the query's distinct content words that the summary's sentences contain."""
    wanted = set(query_terms(query, get_language("english")))
    if not wanted:
        return 0.0
    have = {t for terms in summary_terms for t in terms}
    return len(wanted & have) / len(wanted)


def single(limit: int) -> dict[str, Any]:
    """Title-as-query on BBC and SummEval (see the module's docstring)."""
    registry = default_registry(plugins=False)
    scorer = RougeEvaluator()
    out: dict[str, Any] = {}
    sets = {
        "bbc": [json.loads(line) for line in (SHARED / "bbc-news-summary" / "bbc-news-summary.jsonl").open()],
    }
    for name, records in sets.items():
        records = records[:: max(1, len(records) // limit)][:limit]
        for method in ("newsrank", "lexrank", "textrank"):
            rows: dict[str, list[float]] = {k: [] for k in ("cov", "cov_q", "r1", "r1_q", "r2", "r2_q")}
            for r in records:
                text, title = r["document"], r.get("title") or ""
                refs = r.get("summaries") or [r.get("summary") or r.get("reference")]
                if not title or not refs or not refs[0]:
                    continue
                for suffix, options in (("", {}), ("_q", {"query": title})):
                    result = summarize(text, method=method, length={"sentences": 3}, options=options,
                                       registry=registry)
                    doc = build_document(result.summary, "english")
                    rows["cov" + suffix].append(coverage(sentence_terms(doc), title))
                    scores = scorer.score_dict(refs, result.summary)
                    rows["r1" + suffix].append(scores["rouge1"]["fmeasure"])
                    rows["r2" + suffix].append(scores["rouge2"]["fmeasure"])
            out[f"{name}/{method}"] = {k: round(100 * statistics.fmean(v), 2) for k, v in rows.items() if v}
            out[f"{name}/{method}"]["articles"] = len(rows["cov"])
            print(name, method, out[f"{name}/{method}"], flush=True)
    return out


def _lead(documents: Sequence[dict[str, Any]], words: int) -> str:
    """The lead sentences of the articles in turn (first of each, then second of each...)."""
    sentences = [[s.text for s in build_document(d["text"], "english").sentences] for d in documents]
    taken, used = [], 0
    for k in range(max(len(s) for s in sentences)):
        for s in sentences:
            if k < len(s):
                n = len(s[k].split())
                if used + n > words:
                    return " ".join(taken)
                taken.append(s[k])
                used += n
    return " ".join(taken)


def multi(words: int = 250) -> dict[str, Any]:
    """Digest stories with and without a query on MultiLing 2011 English (see the docstring)."""
    scorer = RougeEvaluator()
    registry = default_registry(plugins=False)
    topics = [json.loads(line) for line in (SHARED / "multiling2011" / "multiling2011.jsonl").open()]
    topics = [t for t in topics if t["lang"] == "en"]
    systems: dict[str, list[tuple[float, float]]] = {}

    def score(name: str, summary: str, refs: Sequence[str]) -> None:
        each = [scorer.score_dict([ref], summary)["rouge2"]["fmeasure"] for ref in refs]
        systems.setdefault(name, []).append((statistics.fmean(each), max(each)))

    for topic in topics:
        docs = topic["documents"]
        records = [{"id": d["id"], "title": d.get("title"), "text": d["text"], "topic": topic["topic"]}
                   for d in docs]
        first = build_document(docs[0]["text"], "english", title=docs[0].get("title")).sentences[0].text
        titles = " ".join(t.rstrip(".") + "." for t in dict.fromkeys(d.get("title") or "" for d in docs) if t)
        statement = build_document(topic["summaries"][0], "english").sentences[0].text
        others = topic["summaries"][1:]
        queries = {"none": None, "title": docs[0].get("title"), "first-sentence": first, "all-titles": titles}
        digests = {}
        for name, query in {**queries, "reference-statement": statement}.items():
            options = {"query": query} if query else None
            digest = summarize_digest(records, group_by="topic", length={"words": words}, options=options,
                                      registry=registry)
            digests[name] = digest.stories[0].summary
        for name in queries:
            score(name, digests[name], topic["summaries"])
        score("lead", _lead(docs, words), topic["summaries"])
        # A human statement of the topic: the first sentence of one reference, scored against the others.
        score("none vs other refs", digests["none"], others)
        score("reference-statement vs other refs", digests["reference-statement"], others)
    # Mixed clusters: the 10 articles of one topic with 8 and 7 of two others (25 articles, as a
    # DUC cluster), the query stating the first topic, scored against that topic's references.
    for k, topic in enumerate(topics):
        other, third = topics[(k + 1) % len(topics)], topics[(k + 2) % len(topics)]
        docs = topic["documents"] + other["documents"][:8] + third["documents"][:7]
        records = [{"id": f"{i}-{d['id']}", "title": d.get("title"), "text": d["text"], "topic": "mixed"}
                   for i, d in enumerate(docs)]
        own = topic["documents"]
        titles = " ".join(t.rstrip(".") + "." for t in dict.fromkeys(d.get("title") or "" for d in own) if t)
        statement = build_document(topic["summaries"][0], "english").sentences[0].text
        for name, query, refs in (("mixed: none", None, topic["summaries"]),
                                  ("mixed: title", own[0].get("title"), topic["summaries"]),
                                  ("mixed: all-titles", titles, topic["summaries"]),
                                  ("mixed: none vs other refs", None, topic["summaries"][1:]),
                                  ("mixed: reference-statement vs other refs", statement, topic["summaries"][1:])):
            options = {"query": query} if query else None
            digest = summarize_digest(records, group_by="topic", length={"words": words}, options=options,
                                      registry=registry)
            score(name, digest.stories[0].summary, refs)
    out = {name: {"rouge2_f1_mean_refs": round(100 * statistics.fmean(a for a, _ in v), 2),
                  "rouge2_f1_best_ref": round(100 * statistics.fmean(b for _, b in v), 2), "topics": len(v)}
           for name, v in systems.items()}
    for name, v in out.items():
        print("multiling-en", name, v, flush=True)
    return out


def statement_query(statement: dict[str, Any]) -> str:
    """A topic statement as one query: its title and its narrative (as DUC systems read them)."""
    return f"{statement['title'].rstrip('.')}. {statement['narrative']}"


def statements(path: Path = STATEMENTS, data: Path | None = None, words: int = 250) -> dict[str, Any]:
    """Digest stories for the topic statements of ``path`` (see the module's docstring)."""
    scorer = RougeEvaluator()
    registry = default_registry(plugins=False)
    data = data or SHARED / "multiling2011" / "multiling2011.jsonl"
    topics = {t["topic"]: t for t in map(json.loads, data.open()) if t["lang"] == "en"}
    items = json.loads(path.read_text(encoding="utf-8"))["statements"]
    by_topic: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_topic.setdefault(item["topic"], []).append(item)
    systems: dict[str, list[tuple[float, float, float]]] = {}

    def score(name: str, summary: str, refs: Sequence[str]) -> None:
        each = [scorer.score_dict([ref], summary) for ref in refs]
        systems.setdefault(name, []).append((statistics.fmean(e["rouge2"]["fmeasure"] for e in each),
                                             statistics.fmean(e["rouge2"]["recall"] for e in each),
                                             statistics.fmean(e["rouge1"]["fmeasure"] for e in each)))

    def story(records: list[dict[str, Any]], query: str | None) -> str:
        options = {"query": query} if query else None
        return summarize_digest(records, group_by="topic", length={"words": words}, options=options,
                                registry=registry).stories[0].summary

    for topic_id, asked in sorted(by_topic.items()):
        docs = topics[topic_id]["documents"]
        records = [{"id": d["id"], "title": d.get("title"), "text": d["text"], "topic": topic_id} for d in docs]
        plain = story(records, None)
        lead = _lead(docs, words)
        for item in asked:
            refs = item["summaries"]
            score("none", plain, refs)
            score("lead", lead, refs)
            score("statement", story(records, statement_query(item)), refs)
            for other in asked:
                if other is not item:
                    score("other statement (control)", story(records, statement_query(other)), refs)
    out = {name: {"rouge2_f1": round(100 * statistics.fmean(v[0] for v in rows), 2),
                  "rouge2_recall": round(100 * statistics.fmean(v[1] for v in rows), 2),
                  "rouge1_f1": round(100 * statistics.fmean(v[2] for v in rows), 2), "statements": len(rows)}
           for name, rows in systems.items()}
    for name, v in out.items():
        print("statements", name, v, flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("single", "multi", "statements", "all"), default="all")
    parser.add_argument("--limit", type=int, default=200, help="articles per single-document set")
    parser.add_argument("--words", type=int, default=250, help="words per multi-document summary")
    parser.add_argument("--statements", type=Path, default=STATEMENTS,
                        help="topic statements with their human summaries (for --part statements)")
    parser.add_argument("--data", type=Path, default=None,
                        help="MultiLing 2011 JSON Lines (default: ../shared/datasets/multiling2011/)")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {}
    if args.part in ("single", "all"):
        report["single"] = single(args.limit)
    if args.part in ("multi", "all"):
        report["multi"] = multi(args.words)
    if args.part in ("statements", "all"):
        report["statements"] = statements(args.statements, args.data, args.words)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

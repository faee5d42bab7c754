"""The digest on MultiLing 2011 (develop only): story grouping and one summary per story.

::

    python -m benchmarks.bench_digest                         # every language the library supports
    python -m benchmarks.bench_digest --languages en,fr --json
    python -m benchmarks.bench_digest --reports                # several reports of one event

**Grouping**: the 100 articles of one language (10 stories x 10), shuffled (``--seed``), go
through :func:`summarizers.digest.summarize_digest` with the default settings; the B-cubed F1
of its stories against the true ones is printed.

**Summaries**: each story's 10 articles (``group_by`` the story), summarized at 250, 100 and 70
words and scored with the harness's ROUGE (:class:`summarizers_eval.scoring.RougeEvaluator`, best of the 2-5
references, stemmed; the Unicode tokenizer for languages other than English) against two lead
baselines: the first article's lead, and the lead sentences of the articles in turn (first
sentences of every article, then second sentences...). Every prediction is cut to the word
budget, so the baselines' last sentence may be partial (an advantage the digest does not take).
The figures are F1 x 100, averaged over the stories.

**Reports** (``--reports [PATH]``): the 20 clusters of ``tests/data/reports`` (one MultiLing
English article and three other outlets' reports of the same event, 90-100-word references; see
its README). Grouping: the 60 reports among MultiLing's 100 English articles, against the event
labels of ``tests/data/events`` (every report in its original's event; the other developments
of the same topics are the hard negatives), with a TF-IDF average-link reference tuned on the
set (``--write-articles FILE`` writes those 160 articles, with an ``event`` field, for
``python -m benchmarks.bench_grouping --data FILE --label-field event``). Summaries: each
cluster's four articles, scored as above.
"""

from __future__ import annotations

import argparse
import json
import random
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from summarizers.digest import grouping, summarize_digest
from summarizers.document import build_document
from summarizers.errors import SummarizerError
from summarizers.text.language import get_language
from summarizers_eval.scoring import RougeEvaluator, ScorerConfig

from .bench_grouping import analyse, bcubed, digest_labels, in_several, tuned_reference

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "multiling2011" / "multiling2011.jsonl"
REPORTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "reports" / "multiling2011-en.reports.json"
EVENTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "events" / "multiling2011.events.json"
BUDGETS = (250, 100, 70)


def cut(text: str, words: int) -> str:
    """The first ``words`` words of ``text``."""
    return " ".join(text.split()[:words])


def lead_sentences(text: str, language: str) -> list[str]:
    """The article's candidate sentences (the document stage's), in order."""
    try:
        return [s.text for s in build_document(text, language).sentences]
    except SummarizerError:
        return []


def lead_first(articles: Sequence[Mapping[str, Any]], language: str, words: int) -> str:
    """The first article's lead, ``words`` words."""
    return cut(" ".join(lead_sentences(articles[0]["text"], language)), words)


def lead_turns(articles: Sequence[Mapping[str, Any]], language: str, words: int) -> str:
    """The first sentence of each article in turn, then the second..., ``words`` words."""
    leads = [lead_sentences(a["text"], language) for a in articles]
    out: list[str] = []
    for depth in range(max(map(len, leads), default=0)):
        out += [lead[depth] for lead in leads if depth < len(lead)]
        if sum(len(s.split()) for s in out) >= words:
            break
    return cut(" ".join(out), words)


def records(path: Path = DATA) -> list[dict[str, Any]]:
    """MultiLing's (story, language) records."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def evaluate(language: str, clusters: Sequence[Mapping[str, Any]], seed: int = 0) -> dict[str, Any]:
    """Grouping and summary figures for one language's clusters."""
    name = get_language(language).name
    articles = [{"id": d["id"], "title": d.get("title"), "text": d["text"], "published": d.get("date"),
                 "language": language, "story": c["topic"]} for c in clusters for d in c["documents"]]
    shuffled = articles[:]
    random.Random(seed).shuffle(shuffled)
    digest = summarize_digest(shuffled, language=name)
    label = {d: s.id for s in digest.stories for d in s.documents}
    kept = [a for a in shuffled if a["id"] in label]
    out: dict[str, Any] = {"language": language, "articles": len(articles), "refused": len(digest.errors),
                           "stories": len(digest.stories),
                           "bcubed_f1": round(bcubed([label[a["id"]] for a in kept], [a["story"] for a in kept])[2], 4)}
    references = {c["topic"]: c["summaries"] for c in clusters}
    out.update(summary_figures(articles, references, language))
    return out


def summary_figures(articles: Sequence[Mapping[str, Any]], references: Mapping[str, Sequence[str]],
                    language: str, budgets: Sequence[int] = BUDGETS) -> dict[str, Any]:
    """``{budget: {system: {"rouge1", "rouge2"}}}`` for each of ``budgets`` (words): ROUGE F1 x
    100, best of the references, averaged over the stories, of each story's digest summary
    (``group_by`` the articles' ``story``) and of the two lead baselines (the story's articles in
    the given order)."""
    name = get_language(language).name
    scorer = RougeEvaluator(ScorerConfig(language=name, tokenizer="default" if language == "en" else "unicode"))
    members: dict[str, list[Mapping[str, Any]]] = {}
    for a in articles:
        members.setdefault(a["story"], []).append(a)
    story_of = {a["id"]: a["story"] for a in articles}
    out: dict[str, Any] = {}
    for words in budgets:
        story_digest = summarize_digest(articles, language=name, length={"words": words}, group_by="story")
        rows: dict[str, list[dict[str, float]]] = {"digest": [], "lead_first": [], "lead_turns": []}
        for story in story_digest.stories:
            topic = story_of[story.documents[0]]
            predictions = {"digest": cut(story.summary, words),
                           "lead_first": lead_first(members[topic], name, words),
                           "lead_turns": lead_turns(members[topic], name, words)}
            for system, text in predictions.items():
                scores = scorer.score(references[topic], text)
                rows[system].append({k: scores[k].fmeasure for k in ("rouge1", "rouge2")})
        out[str(words)] = {system: {k: round(100 * sum(r[k] for r in got) / max(1, len(got)), 2)
                                    for k in ("rouge1", "rouge2")} for system, got in rows.items()}
    return out


def report_articles(path: Path = REPORTS, data: Path = DATA, events: Path = EVENTS) -> list[dict[str, Any]]:
    """MultiLing's 100 English articles (92 developments of 10 topics, labelled by ``events``)
    and the 60 reports of ``path``, each in its original's event: records with an ``event``
    field (what ``python -m benchmarks.bench_grouping --label-field event`` reads)."""
    label = json.loads(events.read_text(encoding="utf-8"))
    documents = [d for r in records(data) if r["lang"] == "en" for d in r["documents"]]
    rows = [{"id": d["id"], "title": d.get("title"), "text": d["text"], "published": d.get("date"),
             "language": "en", "event": label[d["id"]]} for d in documents]
    for cluster in json.loads(path.read_text(encoding="utf-8"))["clusters"]:
        rows += [{"id": r["id"], "title": r["title"], "text": r["text"], "language": "en",
                  "event": label[cluster["id"]]} for r in cluster["reports"]]
    return rows


def report_grouping(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """B-cubed F1 of the digest's default grouping of :func:`report_articles` ``rows`` against
    their events, over every article and over the articles of events told by several, and of
    TF-IDF average-link tuned on the set."""
    analysed = analyse(rows, "english")
    event = {r["id"]: r["event"] for r in rows}
    truth = [event[a.id] for a in analysed]
    several = in_several(analysed, truth)
    found = digest_labels(analysed, grouping.LINK_THRESHOLD)
    threshold, _, tuned = tuned_reference([a.text for a in analysed], truth)
    return {"articles": len(analysed), "events": len(set(truth)), "threshold": grouping.LINK_THRESHOLD,
            "bcubed_f1": round(bcubed(found, truth)[2], 4), "several_f1": round(bcubed(found, truth, several)[2], 4),
            "tuned_reference": {"threshold": threshold, "bcubed_f1": round(tuned[2], 4)}}


def report_clusters(path: Path = REPORTS, data: Path = DATA) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The multi-report clusters of ``path`` (see ``tests/data/reports``): each MultiLing
    article with its three other outlets' reports, in a fixed shuffled order, and their
    references. The original articles are read from ``data``."""
    originals = {d["id"]: d for r in records(data) if r["lang"] == "en" for d in r["documents"]}
    articles: list[dict[str, Any]] = []
    references: dict[str, list[str]] = {}
    for cluster in json.loads(path.read_text(encoding="utf-8"))["clusters"]:
        original = originals[cluster["id"]]
        told = [{"id": original["id"], "source": "wikinews", "title": original.get("title"),
                 "text": original["text"]}]
        told += [{"id": r["id"], "source": r["source"], "title": r["title"], "text": r["text"]}
                 for r in cluster["reports"]]
        random.Random(cluster["id"]).shuffle(told)
        articles += [{**a, "language": "en", "story": cluster["id"]} for a in told]
        references[cluster["id"]] = cluster["summaries"]
    return articles, references


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures (a table, or ``--json``)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_digest", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="multiling2011.jsonl")
    parser.add_argument("--languages", default="en,fr,cs,el,ar,he", help="comma-separated ISO codes")
    parser.add_argument("--seed", type=int, default=0, help="the shuffle's seed (default 0)")
    parser.add_argument("--json", action="store_true", help="one JSON object per language")
    parser.add_argument("--reports", type=Path, nargs="?", const=REPORTS, default=None,
                        help="instead: the multi-report clusters (default tests/data/reports/...)")
    parser.add_argument("--write-articles", type=Path, metavar="JSONL",
                        help="with --reports: also write the 160 labelled articles grouped (for bench_grouping)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")  # sumy's Czech stemmer warns once per number
    if args.reports is not None:
        articles, references = report_clusters(args.reports, args.data)
        rows = report_articles(args.reports, args.data)
        if args.write_articles is not None:
            with open(args.write_articles, "w", encoding="utf-8") as out:
                out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        grouped = report_grouping(rows)
        result = {"set": "reports", "clusters": len(references), "grouping": grouped,
                  **summary_figures(articles, references, "en")}
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            tuned = grouped["tuned_reference"]
            print(f"reports: {grouped['articles']} articles, {grouped['events']} events: B-cubed F1 "
                  f"{grouped['bcubed_f1']:.3f} at {grouped['threshold']} (several {grouped['several_f1']:.3f}); "
                  f"TF-IDF average-link tuned on the set {tuned['bcubed_f1']:.3f} at {tuned['threshold']}", flush=True)
            print(f"summaries: {len(references)} clusters of {len(articles) // max(1, len(references))} articles",
                  flush=True)
            print_budgets(result)
        return 0
    data = records(args.data)
    for language in args.languages.split(","):
        result = evaluate(language, [r for r in data if r["lang"] == language], args.seed)
        if args.json:
            print(json.dumps(result), flush=True)
            continue
        print(f"{language}: {result['articles']} articles, {result['refused']} refused, {result['stories']} stories, "
              f"B-cubed F1 {result['bcubed_f1']:.3f}", flush=True)
        print_budgets(result)
    return 0


def print_budgets(result: Mapping[str, Any]) -> None:
    """One line per budget: every system's ROUGE-1 and ROUGE-2."""
    for words in BUDGETS:
        row = result[str(words)]
        print(f"  {words:>3} words  " + "  ".join(
            f"{system} R1 {row[system]['rouge1']:.2f} R2 {row[system]['rouge2']:.2f}" for system in row), flush=True)


if __name__ == "__main__":
    raise SystemExit(main())

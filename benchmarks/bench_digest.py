"""The digest on MultiLing 2011 (develop only): story grouping and one summary per story.

::

    python -m benchmarks.bench_digest                         # every language the library supports
    python -m benchmarks.bench_digest --languages en,fr --json

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
"""

from __future__ import annotations

import argparse
import json
import random
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from summarizers.digest import summarize_digest
from summarizers.document import build_document
from summarizers.errors import SummarizerError
from summarizers.text.language import get_language
from summarizers_eval.scoring import RougeEvaluator, ScorerConfig

from .bench_grouping import bcubed

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "multiling2011" / "multiling2011.jsonl"
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
    scorer = RougeEvaluator(ScorerConfig(language=name, tokenizer="default" if language == "en" else "unicode"))
    references = {c["topic"]: c["summaries"] for c in clusters}
    members = {c["topic"]: [a for a in articles if a["story"] == c["topic"]] for c in clusters}
    for words in BUDGETS:
        story_digest = summarize_digest(articles, language=name, length={"words": words}, group_by="story")
        rows: dict[str, list[dict[str, float]]] = {"digest": [], "lead_first": [], "lead_turns": []}
        for story in story_digest.stories:
            topic = next(a["story"] for a in articles if a["id"] == story.documents[0])
            predictions = {"digest": cut(story.summary, words),
                           "lead_first": lead_first(members[topic], name, words),
                           "lead_turns": lead_turns(members[topic], name, words)}
            for system, text in predictions.items():
                scores = scorer.score(references[topic], text)
                rows[system].append({k: scores[k].fmeasure for k in ("rouge1", "rouge2")})
        out[str(words)] = {system: {k: round(100 * sum(r[k] for r in got) / max(1, len(got)), 2)
                                    for k in ("rouge1", "rouge2")} for system, got in rows.items()}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures (a table, or ``--json``)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_digest", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="multiling2011.jsonl")
    parser.add_argument("--languages", default="en,fr,cs,el,ar,he", help="comma-separated ISO codes")
    parser.add_argument("--seed", type=int, default=0, help="the shuffle's seed (default 0)")
    parser.add_argument("--json", action="store_true", help="one JSON object per language")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")  # sumy's Czech stemmer warns once per number
    data = records(args.data)
    for language in args.languages.split(","):
        result = evaluate(language, [r for r in data if r["lang"] == language], args.seed)
        if args.json:
            print(json.dumps(result), flush=True)
            continue
        print(f"{language}: {result['articles']} articles, {result['refused']} refused, {result['stories']} stories, "
              f"B-cubed F1 {result['bcubed_f1']:.3f}", flush=True)
        for words in BUDGETS:
            row = result[str(words)]
            print(f"  {words:>3} words  " + "  ".join(
                f"{system} R1 {row[system]['rouge1']:.2f} R2 {row[system]['rouge2']:.2f}" for system in row),
                flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

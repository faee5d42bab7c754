"""The newsletter digest: from a day's articles to one entry per story, nothing said twice.

>>> from summarizers.digest import summarize_digest
>>> digest = summarize_digest([{"id": "a1", "title": "...", "source": "AP", "text": "..."}, ...],
...                           length={"words": 70})
>>> [(s.headline, s.documents, [(x.document, x.start, x.end) for x in s.sentences]) for s in digest.stories]

The pieces, each a small module: :mod:`.records` (input records), :mod:`.analysed` (one article
through the document stage and the method's ranking), :mod:`.dedup` (near-duplicates, MinHash
LSH), :mod:`.grouping` (stories), :mod:`.ranking` (one story's multi-document ranking),
:mod:`.repeats` (no sentence said twice), :mod:`.build` (the pipeline), :mod:`.worker` (the
per-article and per-story work on the engine's pool or Ray), :mod:`.render` (Markdown and
HTML), :mod:`.types` (the result), :mod:`.job` (the digest as a durable job of the jobs API).
"""

from .build import summarize_digest
from .records import Article, digest_fields
from .render import render_html, render_markdown
from .types import Digest, DigestError, DigestSentence, Duplicate, Story
from .worker import DigestWorker, Plan

__all__ = ["Article", "Digest", "DigestError", "DigestSentence", "DigestWorker", "Duplicate", "Plan", "Story",
           "digest_fields", "render_html", "render_markdown", "summarize_digest"]

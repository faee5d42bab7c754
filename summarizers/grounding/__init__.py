"""Grounding: where each summary sentence comes from, and what the source does not support.

>>> from summarizers import check_faithfulness
>>> report = check_faithfulness(summary, article)
>>> report.score, report.counts, report.sentences[0].support, report.sentences[0].unsupported

Everything here is lexical and offline (no model weights): alignment by weighted stem overlap
with source sentences and adjacent pairs; numbers, dates, capitalised names, quotes and
negations checked against what the source states.
"""

from __future__ import annotations

from ..document import validate_text
from ..text.language import resolve_language_name
from .check import FaithfulnessReport, SentenceCheck, check_spans, check_text
from .index import SourceIndex, build_index
from .score import KINDS


def check_faithfulness(summary: str, source: str | SourceIndex, language: str = "english") -> FaithfulnessReport:
    """Check any ``summary`` (ours or another system's) against its ``source`` article.

    Args:
        summary: the summary text (sentences are split here; a line break always ends one).
        source: the article text, or a :class:`SourceIndex` built once with :func:`build_index`
            to check many summaries of one article fast.
        language: a supported language name or ISO code (stemmer and stop words).

    Returns:
        a :class:`FaithfulnessReport`: ``score`` in [0, 1] (higher is better supported),
        ``counts`` of unsupported items by kind, and per sentence its offsets into
        ``summary``, ``support`` spans (offsets into the source) and ``unsupported`` items.

    Raises:
        InvalidInput: a summary or source that is not text; UnsupportedLanguage.
    """
    if not isinstance(summary, str):
        summary = validate_text(summary, "summary")
    if not isinstance(source, SourceIndex):
        source = build_index(validate_text(source, "source"), resolve_language_name(language))
    return check_text(summary, source)


__all__ = ["KINDS", "FaithfulnessReport", "SentenceCheck", "SourceIndex", "build_index",
           "check_faithfulness", "check_spans"]

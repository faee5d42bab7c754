"""Grounding results: every sentence of a :class:`Summary` gets its support and unsupported
items, the result its faithfulness; and the ``faithfulness`` option acts on them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..document import Document
from ..text.words import count_words
from ..types import Faithfulness, LengthAchieved, SelectedSentence, Span, Summary, Support
from .check import FaithfulnessReport, check_spans
from .index import build_index
from .score import KINDS

#: What ``options.faithfulness`` accepts: report only, drop unsupported sentences, or fall back
#: to an extractive summary below ``options.min_faithfulness``.
POLICIES = ("report", "drop", "fallback")
DEFAULT_MIN_FAITHFULNESS = 0.5


def ground(result: Summary, document: Document) -> Summary:
    """``result`` with ``support``/``unsupported`` on every sentence and ``faithfulness`` set.

    Extractive sentences are their own support. Abstractive ones are checked against the
    document's text (offsets of ``support`` index it; those of ``unsupported`` the summary).
    """
    if result.kind != "abstractive":
        def own(sentences: tuple[SelectedSentence, ...]) -> tuple[SelectedSentence, ...]:
            return tuple(dataclasses.replace(s, support=(Support(s.start, s.end, 1.0),), unsupported=())
                         for s in sentences)

        every = own(result.all_sentences) if result.all_sentences is not None else None
        return dataclasses.replace(result, sentences=own(result.sentences), all_sentences=every,
                                   faithfulness=Faithfulness(1.0, dict.fromkeys(KINDS, 0)))
    index = build_index(document.text, document.language.name)
    report = check_spans(result.summary, [Span(s.text, s.start, s.end) for s in result.sentences], index)
    return _with_report(result, report)


def _with_report(result: Summary, report: FaithfulnessReport) -> Summary:
    sentences = tuple(
        dataclasses.replace(s, support=c.support, unsupported=c.unsupported)
        for s, c in zip(result.sentences, report.sentences, strict=True)
    )
    return dataclasses.replace(result, sentences=sentences, faithfulness=report.faithfulness)


def apply_policy(
    result: Summary,
    document: Document,
    policy: str = "report",
    min_score: float = DEFAULT_MIN_FAITHFULNESS,
    fallback: Callable[[], Summary] | None = None,
) -> Summary:
    """Ground ``result``, then act on it as ``policy`` says.

    ``"report"`` only adds the fields. ``"drop"`` removes the sentences with unsupported
    items (keeping the best supported one when all have some) and checks what is left. ``"fallback"`` returns
    ``fallback()`` (an extractive summary), grounded, when the score is below ``min_score``;
    both say what they did in ``warnings``.
    """
    grounded = ground(result, document)
    if policy == "drop":
        return _drop(grounded, document)
    if policy == "fallback" and fallback is not None and grounded.faithfulness is not None \
            and grounded.faithfulness.score < min_score:
        replacement = ground(fallback(), document)
        why = _describe(grounded.faithfulness)
        note = (f"the {grounded.method} summary's faithfulness score {grounded.faithfulness.score:.2f} "
                f"is below {min_score:g} ({why}): returned the {replacement.method} extractive "
                "summary instead")
        return dataclasses.replace(replacement, warnings=(*replacement.warnings, note))
    return grounded


def _describe(faithfulness: Faithfulness) -> str:
    found = [f"{n} {kind}" for kind, n in faithfulness.counts.items() if n]
    return "unsupported: " + ", ".join(found) if found else "little lexical support in the input"


def _drop(result: Summary, document: Document) -> Summary:
    """Remove the (abstractive) sentences with unsupported items; keep at least one."""
    keep = [s for s in result.sentences if not s.unsupported]
    if len(keep) == len(result.sentences):
        return result
    if not keep:
        keep = [min(result.sentences, key=lambda s: (len(s.unsupported), -_support(s)))]
    dropped = len(result.sentences) - len(keep)
    sentences, text = _rejoin(keep)
    length = LengthAchieved(len(sentences), count_words(text), len(text), result.length.requested)
    note = f"dropped {dropped} sentence(s) with content the input does not support"
    shorter = dataclasses.replace(result, summary=text, sentences=sentences, length=length,
                                  warnings=(*result.warnings, note))
    return ground(shorter, document)


def _support(sentence: SelectedSentence) -> float:
    return max((s.score for s in sentence.support), default=0.0)


def _rejoin(sentences: list[SelectedSentence]) -> tuple[tuple[SelectedSentence, ...], str]:
    """Abstractive sentences joined into a new summary text, their offsets shifted to index it
    and ranks renumbered."""
    out, pos = [], 0
    for rank, s in enumerate(sentences, start=1):
        out.append(dataclasses.replace(s, start=pos, end=pos + len(s.text), rank=rank))
        pos += len(s.text) + 1
    return tuple(out), " ".join(s.text for s in sentences)

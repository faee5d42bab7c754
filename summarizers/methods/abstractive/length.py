"""Requested lengths as token budgets, and trimming generated text to whole sentences.

Pure functions: a model writes tokens, a caller asks for sentences or words. The budget
gives the model room to finish the last sentence asked for; :func:`trim` then keeps whole
sentences only, as many as were asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...text.boilerplate import ends_like_sentence
from ...text.segment import split_sentences
from ...text.words import count_words
from ...types import Length, Span

#: Words in a typical sentence of a news summary (CNN/DailyMail highlights: about 20).
WORDS_PER_SENTENCE = 22
#: Share of the target the model must at least write, and headroom above it.
MIN_SHARE, HEADROOM = 0.5, 1.3


def token_budget(length: Length, available_sentences: int, tokens_per_word: float,
                 ceiling: int) -> tuple[int, int]:
    """``(min_new_tokens, max_new_tokens)`` for ``length``, at most ``ceiling`` tokens.

    Args:
        length: what the caller asked for.
        available_sentences: sentences of the input (a ratio is taken of them).
        tokens_per_word: the model tokenizer's tokens per word.
        ceiling: the largest ``max_new_tokens`` allowed.
    """
    count = length.sentence_count(available_sentences)
    if count is not None:
        target = count * WORDS_PER_SENTENCE * tokens_per_word
        high = math.ceil(target * HEADROOM) + 8
    else:
        target = (length.words or 0) * tokens_per_word
        high = math.ceil(target * 1.15) + 4
    high = max(1, min(ceiling, high))
    low = min(high, max(1, math.floor(target * MIN_SHARE)))
    return low, high


@dataclass(frozen=True)
class Trimmed:
    """Generated text cut to whole sentences: the text, its sentences (offsets into it)."""

    text: str
    sentences: tuple[Span, ...]
    warnings: tuple[str, ...]


def trim(generated: str, language_code: str, length: Length, available_sentences: int) -> Trimmed:
    """Keep whole sentences of ``generated``, no more than ``length`` asks for.

    An unfinished last sentence is dropped unless it is the only one (then it is kept, with a
    warning). A sentence count keeps the first N sentences; a word budget keeps sentences
    while they fit (always at least one).
    """
    text = generated.strip()
    spans = split_sentences(text, language_code)
    warnings: list[str] = []
    if not spans:
        return Trimmed("", (), ("the model wrote no text",))
    if not ends_like_sentence(spans[-1].text):
        if len(spans) > 1:
            spans = spans[:-1]
            warnings.append("dropped the model's unfinished last sentence")
        else:
            warnings.append("the model's output ends mid-sentence and has no complete sentence to keep")
    count = length.sentence_count(available_sentences)
    if count is not None:
        if len(spans) < count:
            warnings.append(f"asked for {count} sentences; the model wrote {len(spans)}")
        spans = spans[:count]
    else:
        budget, used, kept = length.words or 0, 0, []
        for span in spans:
            words = count_words(span.text)
            if kept and used + words > budget:
                break
            kept.append(span)
            used += words
        if used > budget:
            warnings.append(f"the first sentence has {used} words, over the budget of {budget}")
        spans = kept
    start = spans[0].start
    out = text[start:spans[-1].end]
    shifted = tuple(Span(s.text, s.start - start, s.end - start) for s in spans)
    return Trimmed(out, shifted, tuple(warnings))

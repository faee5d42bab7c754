"""The extractive oracle: an upper bound for extractive methods, never a deployable method.

Greedy selection (as in Nallapati et al. 2017 and Kedzie et al. 2018): starting from nothing,
repeatedly add the document sentence that most raises the objective, the mean of ROUGE-1 and
ROUGE-2 F1 against the reference (the best reference when there are several), and stop when no
sentence raises it or the length is reached. The candidate sentences are those the library's
methods see (:func:`summarizers.build_document`: headline and boilerplate removed), the summary keeps
document order, and the tokens are the scorer's own, so the objective is the ROUGE that will be
reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rouge_score import tokenizers

from summarizers import Length, build_document
from summarizers.text.words import count_words

#: The name under which the oracle appears in reports.
ORACLE_NAME = "oracle"


@dataclass(frozen=True)
class OracleSummary:
    """The oracle's choice: the summary text, the chosen sentence indices and its objective."""

    summary: str
    indices: tuple[int, ...]
    objective: float

    @property
    def words(self) -> int:
        """Words of the summary, counted as the library counts them."""
        return count_words(self.summary)


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    """The n-grams of ``tokens`` with their counts."""
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def ngram_f1(reference: Counter[tuple[str, ...]], prediction: Counter[tuple[str, ...]]) -> float:
    """ROUGE-N F1 from n-gram counts (clipped overlap, as ``rouge-score`` computes it)."""
    ref_total, pred_total = sum(reference.values()), sum(prediction.values())
    if not ref_total or not pred_total:
        return 0.0
    overlap = sum((reference & prediction).values())
    precision, recall = overlap / pred_total, overlap / ref_total
    return 0.0 if overlap == 0 else 2 * precision * recall / (precision + recall)


def greedy_oracle(
    sentences: Sequence[str],
    references: Sequence[str],
    tokenizer: tokenizers.Tokenizer,
    *,
    max_sentences: int | None = None,
    max_words: int | None = None,
) -> OracleSummary:
    """Greedily choose ``sentences`` maximising mean ROUGE-1/ROUGE-2 F1 against ``references``.

    At most ``max_sentences`` sentences, or at most ``max_words`` words (a sentence that does not
    fit the remaining budget is not a candidate); with neither, no limit but the objective.

    Raises:
        ValueError: when ``references`` is empty.
    """
    if not references:
        raise ValueError("the oracle needs at least one reference")
    sentence_tokens = [tokenizer.tokenize(s) for s in sentences]
    sentence_words = [count_words(s) for s in sentences]
    refs = [(ngrams(t, 1), ngrams(t, 2)) for t in (tokenizer.tokenize(r) for r in references)]

    def objective(chosen: Sequence[int]) -> float:
        tokens = [tok for i in sorted(chosen) for tok in sentence_tokens[i]]
        uni, bi = ngrams(tokens, 1), ngrams(tokens, 2)
        return max((ngram_f1(r1, uni) + ngram_f1(r2, bi)) / 2 for r1, r2 in refs)

    chosen: list[int] = []
    best, words = 0.0, 0
    limit = len(sentences) if max_sentences is None else min(max_sentences, len(sentences))
    while len(chosen) < limit:
        step_best, step_index = best, None
        for i in range(len(sentences)):
            if i in chosen or (max_words is not None and words + sentence_words[i] > max_words):
                continue
            value = objective([*chosen, i])
            if value > step_best:
                step_best, step_index = value, i
        if step_index is None:
            break
        chosen.append(step_index)
        best, words = step_best, words + sentence_words[step_index]
    indices = tuple(sorted(chosen))
    return OracleSummary(" ".join(sentences[i] for i in indices), indices, best)


def oracle_summary(
    document: str,
    references: Sequence[str],
    tokenizer: tokenizers.Tokenizer,
    length: Length,
    *,
    language: str = "english",
    title: str | None = None,
) -> OracleSummary:
    """The oracle summary of ``document`` under ``length``, from the candidates the methods see.

    Raises:
        summarizers.InvalidInput: a document without any sentence.
        summarizers.UnsupportedLanguage: for an unsupported language.
        ValueError: when ``references`` is empty.
    """
    doc = build_document(document, language, title=title)
    sentences = [s.text for s in doc.sentences]
    return greedy_oracle(sentences, references, tokenizer,
                         max_sentences=length.sentence_count(len(sentences)), max_words=length.words)

"""ROUGE with Google's ``rouge-score``, the way published summarization results compute it.

* ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum; precision, recall and F1; Porter stemming on.
* ROUGE-Lsum needs one sentence per line: summaries and references are split into sentences
  with the library's own segmenter (:func:`summarizers.text.segment.split_sentences`), each
  existing line separately, and joined with newlines. The other types ignore line breaks.
* Several references: for each ROUGE type the reference with the best F1 counts
  (``RougeScorer.score_multi``).
* ``tokenizer="unicode"``: words of any script (``rouge-score``'s default tokenizer keeps only
  ``[a-z0-9]``, so Cyrillic, Greek or Arabic text scores zero); Han, kana and Thai characters
  count one token each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rouge_score import rouge_scorer, tokenizers
from rouge_score.scoring import Score

from summarizers.grounding import check_faithfulness
from summarizers.text.language import get_language
from summarizers.text.segment import split_sentences

#: The ROUGE types reported, in report order.
ROUGE_TYPES: tuple[str, ...] = ("rouge1", "rouge2", "rougeL", "rougeLsum")
#: The metrics ``--metrics`` accepts: ROUGE (always computed) and the faithfulness score of
#: :func:`summarizers.check_faithfulness` (against the document, no references needed).
METRICS: tuple[str, ...] = ("rouge", "faithfulness")
TokenizerName = Literal["default", "unicode"]
TOKENIZERS: tuple[str, ...] = ("default", "unicode")

#: Scripts written without spaces between words: each character is a token.
_CHAR_SCRIPTS = (
    "\u0e00-\u0e7f"  # Thai
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # Hangul syllables
)
_UNICODE_TOKEN_RE = re.compile(rf"[{_CHAR_SCRIPTS}]|[^\W_{_CHAR_SCRIPTS}]+")


class UnicodeTokenizer(tokenizers.Tokenizer):
    """Lower-cased words of any script (letters and digits), for ``RougeScorer(tokenizer=...)``.

    ``stemmer`` (a ``str -> str`` callable, e.g. Porter's for English or a Snowball stemmer)
    is applied, as ``rouge-score`` does, to tokens longer than three characters.
    """

    def __init__(self, stemmer: Callable[[str], str] | None = None) -> None:
        self._stem = stemmer

    def tokenize(self, text: str) -> list[str]:
        """The tokens of ``text``."""
        tokens = _UNICODE_TOKEN_RE.findall(text.lower())
        if self._stem is not None:
            tokens = [self._stem(t) if len(t) > 3 else t for t in tokens]
        return tokens


def sentences_of(text: str, language_code: str = "en") -> list[str]:
    """The sentences of ``text``, each existing line split with the library's segmenter."""
    return [span.text for line in text.splitlines() for span in split_sentences(line, language_code)]


def one_sentence_per_line(text: str, language_code: str = "en") -> str:
    """``text`` split into sentences with the library's segmenter, one per line (for Lsum)."""
    return "\n".join(sentences_of(text, language_code))


def score_to_dict(score: Score) -> dict[str, float]:
    """A ``rouge-score`` ``Score`` as ``{"precision", "recall", "fmeasure"}`` (0-1)."""
    return {"precision": float(score.precision), "recall": float(score.recall), "fmeasure": float(score.fmeasure)}


@dataclass(frozen=True)
class ScorerConfig:
    """How to score: language (for sentence splitting and the Unicode stemmer) and tokenizer."""

    language: str = "english"
    tokenizer: TokenizerName = "default"
    use_stemmer: bool = True
    metrics: tuple[str, ...] = ("rouge",)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, recorded in every report."""
        d = {"language": self.language, "tokenizer": self.tokenizer, "use_stemmer": self.use_stemmer,
             "rouge_types": list(ROUGE_TYPES), "lsum_sentence_splitter": "summarizers.text.segment"}
        if self.metrics != ("rouge",):
            d["metrics"] = list(self.metrics)
        return d


class RougeEvaluator:
    """Scores a prediction against one or more references with ``rouge-score``.

    Raises (on construction):
        ValueError: for an unknown tokenizer name.
        summarizers.UnsupportedLanguage: for a language the segmenter does not support.
    """

    def __init__(self, config: ScorerConfig | None = None) -> None:
        self.config = config or ScorerConfig()
        if self.config.tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {self.config.tokenizer!r}; use one of {', '.join(TOKENIZERS)}")
        self.language_code = get_language(self.config.language).code
        self.tokenizer: tokenizers.Tokenizer
        if self.config.tokenizer == "unicode":
            self.tokenizer = UnicodeTokenizer(self._stemmer() if self.config.use_stemmer else None)
        else:
            self.tokenizer = tokenizers.DefaultTokenizer(self.config.use_stemmer)
        self._scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=self.config.use_stemmer,
                                                tokenizer=self.tokenizer)

    def _stemmer(self) -> Callable[[str], str]:
        if self.language_code == "en":
            from nltk.stem import porter

            return porter.PorterStemmer().stem
        return get_language(self.config.language).stemmer

    def normalize(self, text: str) -> str:
        """``text`` in the form that is scored: one sentence per line."""
        return one_sentence_per_line(text, self.language_code)

    def score(self, references: Sequence[str], prediction: str) -> dict[str, Score]:
        """ROUGE of ``prediction`` against the best reference, per type.

        Raises:
            ValueError: when ``references`` is empty.
        """
        if not references:
            raise ValueError("at least one reference is needed")
        targets = [self.normalize(r) for r in references]
        return self._scorer.score_multi(targets, self.normalize(prediction))

    def score_dict(self, references: Sequence[str], prediction: str,
                   document: str | None = None) -> dict[str, dict[str, float]]:
        """:meth:`score` as JSON-ready ``{"rouge1": {"precision", "recall", "fmeasure"}, ...}``,
        plus ``"faithfulness": {"score"}`` against ``document`` when that metric is on."""
        out = {k: score_to_dict(v) for k, v in self.score(references, prediction).items()}
        if "faithfulness" in self.config.metrics and document is not None:
            report = check_faithfulness(prediction, document, language=self.config.language)
            out["faithfulness"] = {"score": report.score}
        return out


def fmeasures(scores: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """``{"rouge1": F1, ...}`` from a per-document score mapping."""
    return {k: float(scores[k]["fmeasure"]) for k in ROUGE_TYPES}

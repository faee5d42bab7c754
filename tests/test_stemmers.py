"""The stemmers come from PyStemmer (Snowball in C) without importing NLTK; where Snowball's
current algorithms differ from the NLTK port sumy used, the difference is small and known."""

from __future__ import annotations

import subprocess
import sys

import pytest

from summarizers.methods import fast_sumy
from summarizers.text.language import get_language

#: Common English news words: the current Snowball English and NLTK's port agree on all of them.
WORDS = """
    running runs ran runner said says saying government governments elections elected minister ministers
    markets marketing profits profitable companies company's announced announcement officials police
    investigation investigators children children's countries country's economic economy economies
    growth growing grew increased increasing increases decision decisions players playing played
    championship championships football footballers scored scoring victory victories defeated president
    presidential leaders leadership reported reporting reporters banks banking shares happily happiness
    generously generous relational conditional rational valency hopefully
""".split()  # noqa: SIM905


def test_english_stems_match_nltk_snowball_on_common_words() -> None:
    nltk_snowball = pytest.importorskip("nltk.stem.snowball")
    reference = nltk_snowball.EnglishStemmer()
    stem = get_language("english").stemmer
    assert [stem(w) for w in WORDS] == [reference.stem(w) for w in WORDS]


def test_known_differences_from_the_nltk_port_are_snowball_2_improvements() -> None:
    # Snowball 2.x keeps "university" apart from "universal" and "add" apart from "ad".
    stem = get_language("english").stemmer
    assert stem("university") != stem("universal")
    assert stem("adding") == stem("added") == "add"
    assert stem("Running") == stem("running") == "run"  # lower-cased first, as NLTK does


@pytest.mark.slow
def test_a_plain_text_summary_imports_neither_nltk_nor_sumys_algorithms() -> None:
    code = (
        "import sys\n"
        "from summarizers import summarize\n"
        "summarize('The council met on Monday. It approved the budget. Residents welcomed it.', "
        "length={'sentences': 1})\n"
        "heavy = ('nltk', 'sumy.nlp', 'sumy.summarizers', 'scipy.stats', 'torch', 'transformers', 'flask', "
        "'trafilatura')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == ""


def test_the_fast_paths_use_sumys_constants() -> None:
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    assert LexRankSummarizer.threshold == fast_sumy.LEXRANK_THRESHOLD
    assert LexRankSummarizer.epsilon == fast_sumy.LEXRANK_EPSILON
    assert TextRankSummarizer.epsilon == fast_sumy.TEXTRANK_EPSILON
    assert TextRankSummarizer.damping == fast_sumy.TEXTRANK_DAMPING
    assert fast_sumy.TEXTRANK_ZERO_DIVISION_PREVENTION == TextRankSummarizer._ZERO_DIVISION_PREVENTION

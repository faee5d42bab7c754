"""Languages: one table wiring each supported language to sumy's stemmer and stop words
and to the segmenter's language code."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from ..errors import UnsupportedLanguage

#: sumy language name -> ISO 639-1 code (used by the sentence segmenter). Every language here
#: has a sumy stemmer and a word tokenizer that needs no extra package (space-separated
#: scripts). sumy's CJK and Thai support needs word segmenters (jieba, konlpy...) and is not
#: offered.
LANGUAGES: dict[str, str] = {
    "arabic": "ar",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
    "finnish": "fi",
    "french": "fr",
    "german": "de",
    "greek": "el",
    "hebrew": "he",
    "hungarian": "hu",
    "italian": "it",
    "norwegian": "no",
    "polish": "pl",
    "portuguese": "pt",
    "romanian": "ro",
    "russian": "ru",
    "slovak": "sk",
    "spanish": "es",
    "swedish": "sv",
    "ukrainian": "uk",
}
#: Distinct words whose stems each language keeps in memory.
STEM_CACHE_SIZE = 200_000
_NO_STEMMER = frozenset({"greek", "polish"})
_BY_CODE = {code: name for name, code in LANGUAGES.items()}
#: The language asked for when it should be detected.
AUTO = "auto"
#: What detection falls back to for text too short or too mixed to tell.
DEFAULT_LANGUAGE = "english"
#: Detection needs this many letters (not words: Japanese or Chinese text has no spaces)...
MIN_DETECT_LETTERS = 40
#: ... and the detector this confidence (its probability for the best language) to be trusted.
MIN_CONFIDENCE = 0.6
#: Only this many leading characters are read to detect a language.
DETECT_CHARS = 20_000
#: The detector's codes that name one of our languages under another code.
_ALIASES = {"nb": "no", "nn": "no"}


@dataclass(frozen=True)
class Language:
    """A resolved language: its sumy name, ISO code, stemmer and stop words."""

    name: str
    code: str
    stemmer: Callable[[str], str]
    stop_words: frozenset[str]


def supported_languages() -> list[str]:
    """The names accepted by :func:`get_language` (ISO 639-1 codes are accepted too)."""
    return sorted(LANGUAGES)


def is_auto(name: object) -> bool:
    """Whether ``name`` asks for the language to be detected (``"auto"``)."""
    return isinstance(name, str) and name.strip().lower() == AUTO


def resolve_language_name(name: object, *, allow_auto: bool = False) -> str:
    """Normalise ``name`` (``"English"``, ``"en"``) to a supported language name; with
    ``allow_auto``, ``"auto"`` is returned as is (the text will tell).

    Raises:
        UnsupportedLanguage: for anything else, listing the supported languages.
    """
    if allow_auto and is_auto(name):
        return AUTO
    key = name.strip().lower() if isinstance(name, str) else ""
    key = _BY_CODE.get(key, key)
    if key not in LANGUAGES:
        auto = ' (or "auto" to detect it)' if allow_auto else ""
        raise UnsupportedLanguage(
            f"unsupported language {name!r}; supported{auto}: {', '.join(supported_languages())}",
            field="language",
            supported=supported_languages(),
        )
    return key


@dataclass(frozen=True)
class Detection:
    """The language of a text as detected: its name, the detector's confidence (``None`` when
    the text was too short to try), and a warning when the default was used instead."""

    name: str
    confidence: float | None
    warning: str | None = None


_identifier_lock = threading.Lock()


@cache
def _identifier() -> Any:
    """py3langid's identifier (its model ships with the package), with probabilities."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    with _identifier_lock:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> Detection:
    """Detect the language of ``text`` with `py3langid <https://github.com/adbar/py3langid>`_.

    Text with fewer than :data:`MIN_DETECT_LETTERS` letters, or whose best guess has less than
    :data:`MIN_CONFIDENCE` (mixed languages), gets ``default`` and a warning saying why.

    Raises:
        UnsupportedLanguage: when the text is confidently in a language that is not supported
            (``details``: ``detected``, ``confidence``, ``supported``).
    """
    sample = text[:DETECT_CHARS]
    if sum(c.isalpha() for c in sample[:1000]) < MIN_DETECT_LETTERS:
        return Detection(default, None, f"the text is too short to detect its language; used {default}")
    code, confidence = _identifier().classify(sample)
    code = _ALIASES.get(code, code)
    confidence = round(float(confidence), 4)
    if confidence < MIN_CONFIDENCE:
        return Detection(default, confidence, f"the language could not be told apart (best guess {code}, "
                                              f"confidence {confidence:.2f}: mixed text?); used {default}")
    if code not in _BY_CODE:
        raise UnsupportedLanguage(
            f"the text is in a language that is not supported (detected {code!r}, confidence "
            f"{confidence:.2f}); supported: {', '.join(supported_languages())}",
            field="language", detected=code, confidence=confidence, supported=supported_languages(),
        )
    return Detection(_BY_CODE[code], confidence)


#: Languages whose stemmer is sumy's own (Czech's for Slovak too) or none (Hebrew); they import
#: sumy's stemmer module, and through it NLTK, when first used.
_SUMY_STEMMERS = frozenset({"czech", "slovak", "ukrainian", "hebrew"})
#: Arabic keeps NLTK's stemmer: Snowball's Arabic algorithm is another one (18% of the word
#: types of MultiLing 2011's Arabic articles stem differently).
_NLTK_STEMMERS = frozenset({"arabic"})


def _lower(word: str) -> str:
    return word.lower()


def _stemmer(key: str) -> Callable[[str], str]:
    """The stemmer of language ``key``: Snowball through PyStemmer (C, no NLTK import) for the
    Snowball languages, sumy's own stemmers where sumy has one, lower-casing where none works
    offline. Words are lower-cased first, as NLTK's Snowball stemmers do."""
    if key in _NO_STEMMER:
        # sumy's Greek stemmer needs greek-stemmer-pos and a spaCy model, its Polish one pystempel
        # (an 11 MB table loaded for seconds): lower-casing stands in for both.
        return _lower
    if key in _SUMY_STEMMERS or key in _NLTK_STEMMERS:
        from sumy.nlp.stemmers import Stemmer as SumyStemmer

        return SumyStemmer(key)
    import Stemmer

    stem_word = Stemmer.Stemmer(key).stemWord
    return lambda word: stem_word(word.lower())


def _stop_words(key: str) -> frozenset[str]:
    """sumy's stop-word list for language ``key``, read from sumy's data files (without
    importing sumy), or an empty set where sumy has none (the methods still work)."""
    try:
        data = resources.files("sumy").joinpath("data", "stopwords", f"{key}.txt").read_bytes()
    except OSError:
        return frozenset()
    return frozenset(w.rstrip() for w in data.decode("utf-8").splitlines() if w)


@cache
def get_language(name: str) -> Language:
    """The :class:`Language` for ``name`` (a name or an ISO 639-1 code), built once.

    Raises:
        UnsupportedLanguage: when the language is not supported.
    """
    key = resolve_language_name(name)
    # Stemming is a pure function and the algorithms' main cost: memoise it per language.
    cached = lru_cache(maxsize=STEM_CACHE_SIZE)(_stemmer(key))
    stop_words = _stop_words(key)
    return Language(name=key, code=LANGUAGES[key], stemmer=cached, stop_words=stop_words)

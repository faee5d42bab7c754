"""Languages: one table wiring each supported language to sumy's stemmer and stop words
and to the segmenter's language code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

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


def resolve_language_name(name: object) -> str:
    """Normalise ``name`` (``"English"``, ``"en"``) to a supported language name.

    Raises:
        UnsupportedLanguage: for anything else, listing the supported languages.
    """
    key = name.strip().lower() if isinstance(name, str) else ""
    key = _BY_CODE.get(key, key)
    if key not in LANGUAGES:
        raise UnsupportedLanguage(
            f"unsupported language {name!r}; supported: {', '.join(supported_languages())}",
            field="language",
            supported=supported_languages(),
        )
    return key


@cache
def get_language(name: str) -> Language:
    """The :class:`Language` for ``name`` (a name or an ISO 639-1 code), built once.

    Raises:
        UnsupportedLanguage: when the language is not supported.
    """
    from sumy.nlp.stemmers import Stemmer, null_stemmer
    from sumy.utils import get_stop_words

    key = resolve_language_name(name)
    try:
        stop_words = frozenset(get_stop_words(key))
    except LookupError:  # sumy ships no list for this language: the methods still work
        stop_words = frozenset()
    # sumy's Greek stemmer needs greek-stemmer-pos and a spaCy model, its Polish one pystempel
    # (an 11 MB table loaded for seconds): lower-casing stands in for both.
    stemmer = null_stemmer if key in _NO_STEMMER else Stemmer(key)
    # Stemming is a pure function and the algorithms' main cost: memoise it per language.
    cached = lru_cache(maxsize=STEM_CACHE_SIZE)(stemmer)
    return Language(name=key, code=LANGUAGES[key], stemmer=cached, stop_words=stop_words)

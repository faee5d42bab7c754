"""Tokens with offsets, and the word lists the fact checks use. Pure functions, no models.

Works on raw text ("$1.2bn", "didn't") and on tokenized text ("$ 1.2 bn", "did n't") alike.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: A number with separators, or a word (letters/digits with inner apostrophes); a possessive
#: "'s" is split off, so that "Sterling's" and the tokenized "Sterling 's" agree.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['’](?![sS]\b)[^\W_]+)*")
#: Words that negate the clause they are in.
NEGATIONS = frozenset((
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot",
    "n't", "nt",
    # the first halves of contractions split at a curly apostrophe ("doesn ’ t")
    "doesn", "don", "didn", "isn", "wasn", "aren", "weren", "couldn", "wouldn", "shouldn", "hasn",
    "haven", "hadn", "mustn",
))
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
         "august aug", "september sep sept", "october oct", "november nov", "december dec")
    )
    for m in names.split()
}
#: Abbreviations of months that are also common words: dates only before a day number.
AMBIGUOUS_MONTHS = frozenset({"mar", "may", "jun", "jan", "dec", "oct", "sep", "aug"})
WEEKDAYS = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)
#: Lower-case words allowed inside a capitalised name ("Bank of England", "Jean de La Fontaine").
NAME_JOINERS = frozenset({"of", "de", "da", "del", "der", "van", "von", "la", "le", "al", "bin", "and", "&"})


class Token(NamedTuple):
    """One token of a text: its surface form, lower-cased form, offsets, and whether it is
    capitalised (starts with an upper-case letter)."""

    text: str
    lower: str
    start: int
    end: int
    capitalised: bool


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]``, with offsets into ``text``."""
    end = len(text) if end is None else end
    out = []
    new = Token.__new__
    for m in TOKEN_RE.finditer(text, start, end):
        word = m.group()
        lower = word.lower()
        if "’" in lower:
            lower = lower.replace("’", "'")
        out.append(new(Token, word, lower, m.start(), m.end(), word[0].isupper()))
    return out


def is_negation(lower: str) -> bool:
    """Whether a lower-cased token negates (``not``, ``never``, ``didn't``, ``n't``...)."""
    return lower in NEGATIONS or lower.endswith("n't")

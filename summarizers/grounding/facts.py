"""Checkable facts in a piece of text: numbers and quantities (normalised), dates,
entity-like capitalised spans and quoted speech. Pure functions over :mod:`.tokens`.

A number is kept as ``(value, tolerance)``: "$1.2bn", "$ 1.2 billion" and "1,200 million" are
all ``1.2e9``; "40%", "40 per cent" and "forty percent" are ``40``; a rounded figure ("2.6
million") matches any source figure that rounds to it (2,630,000) within its last digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tokens import AMBIGUOUS_MONTHS, MONTHS, NAME_JOINERS, WEEKDAYS, Token

_SCALES = {"hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
           "mln": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
NUMBER_RE = re.compile(
    r"(?<![\w.,])(?:[$£€¥]\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<pct>%|per\s?cent\b)"
    r"|\s?(?P<scale>hundred|thousand|million|billion|trillion)s?\b"
    r"|(?P<abbr>bn|mn|mln|m|k|tn|b)\b)?",
    re.IGNORECASE,
)
_UNITS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
     "nineteen"])}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])}
_WORD_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_WORD_SCALES) | {"dozen"}
#: Years a bare four-digit number is read as.
YEARS = range(1800, 2100)


@dataclass(frozen=True, slots=True)
class Fact:
    """A checkable item of a text: ``kind``, its surface ``text`` and offsets, a normalised ``key``."""

    kind: str
    text: str
    start: int
    end: int
    key: tuple


def numbers(text: str, tokens: list[Token], start: int = 0, end: int | None = None) -> list[Fact]:
    """Numbers and quantities in ``text[start:end]`` (digits and number words), years excluded.

    The key is ``(value, tolerance)``: for rounded figures (those with a scale word) a source
    value closer than one unit of the last digit given matches ("$2.6m" matches 2,630,000 and
    2,550,000; "$3bn" matches 2.6 billion but not 2 billion); other figures match exactly.
    """
    end = len(text) if end is None else end
    out: list[Fact] = []
    for m in NUMBER_RE.finditer(text, start, end):
        raw = m.group("num")
        scale_word = (m.group("scale") or m.group("abbr") or "").lower()
        if not scale_word and not m.group("pct") and raw.isdigit() and len(raw) == 4 \
                and int(raw) in YEARS:
            continue  # a year: a date
        value = float(raw.replace(",", ""))
        tolerance = 0.0
        if scale_word:
            scale = _SCALES[scale_word]
            decimals = len(raw.split(".")[1]) if "." in raw else 0
            tolerance = scale * 10.0 ** -decimals
            value *= scale
        out.append(Fact("number", m.group(), m.start(), m.end(), (value, tolerance)))
    out.extend(_word_numbers(tokens))
    return out


def _word_numbers(tokens: list[Token]) -> list[Fact]:
    """Runs of number words ("three", "twenty five", "two million"); a lone "one" is no number."""
    out: list[Fact] = []
    i = 0
    while i < len(tokens):
        if tokens[i].lower not in NUMBER_WORDS or tokens[i].lower in _WORD_SCALES:
            i += 1
            continue
        j = i
        while j < len(tokens) and tokens[j].lower in NUMBER_WORDS:
            j += 1
        run = [t.lower for t in tokens[i:j]]
        if run != ["one"] and run != ["dozen"]:
            value, tolerance = _word_value(run)
            text = tokens[i].text if j == i + 1 else None
            out.append(Fact("number", text or "", tokens[i].start, tokens[j - 1].end,
                            (value, tolerance)))
        i = j
    return out


def _word_value(words: list[str]) -> tuple[float, float]:
    total, current, tolerance = 0.0, 0.0, 0.0
    for w in words:
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "dozen":
            current = (current or 1) * 12
        elif w == "hundred":
            current = (current or 1) * 100
        else:
            scale = _WORD_SCALES[w]
            total += (current or 1) * scale
            tolerance = scale
            current = 0.0
    return total + current, tolerance


def dates(tokens: list[Token]) -> list[Fact]:
    """Years (1800-2099), month names (with a day number when one is next to it) and weekdays.

    Keys: ``("year", 2015)``, ``("month", 3)``, ``("month", 3, 14)``, ``("weekday", "tuesday")``.
    """
    out: list[Fact] = []
    n = len(tokens)
    for i, t in enumerate(tokens):
        w = t.lower
        if w in WEEKDAYS:
            out.append(Fact("date", t.text, t.start, t.end, ("weekday", w)))
        elif w in MONTHS:
            day = _day(tokens[i + 1]) if i + 1 < n else None
            if day is None and i > 0:
                day = _day(tokens[i - 1])
                first = tokens[i - 1] if day is not None else t
            else:
                first = t
            if w in AMBIGUOUS_MONTHS and (day is None or not t.capitalised):
                continue
            last = tokens[i + 1] if first is t and day is not None else t
            key = ("month", MONTHS[w]) if day is None else ("month", MONTHS[w], day)
            out.append(Fact("date", _join(first, last, t), first.start, last.end, key))
        elif len(w) == 4 and w.isdigit() and int(w) in YEARS:
            out.append(Fact("date", t.text, t.start, t.end, ("year", int(w))))
    return out


def _day(token: Token) -> int | None:
    w = token.lower
    return int(w) if w.isdigit() and 1 <= len(w) <= 2 and 1 <= int(w) <= 31 else None


def _join(first: Token, last: Token, month: Token) -> str:
    return month.text if first is last else f"{first.text} {last.text}"


def entity_runs(tokens: list[Token], sentence_starts: frozenset[int], stop_words: frozenset[str]) -> list[list[Token]]:
    """Runs of capitalised tokens (names of people, places, organisations, titles).

    A run may hold lower-case joiners ("Bank of England"); stop words and dates at its edges
    are dropped, and a run of one capitalised word opening a sentence is not a name.
    """
    runs: list[list[Token]] = []
    run: list[Token] = []
    for t in [*tokens, None]:  # type: ignore[list-item]
        if t is not None and (_name_word(t) or (run and t.lower in NAME_JOINERS)):
            run.append(t)
            continue
        while run and (run[-1].lower in NAME_JOINERS or not _name_word(run[-1])):
            run.pop()
        while run and (run[0].lower in stop_words or run[0].lower in MONTHS or run[0].lower in WEEKDAYS):
            run.pop(0)
        if run and not (len(run) == 1 and run[0].start in sentence_starts):
            runs.append(run)
        run = []
    return runs


def _name_word(t: Token) -> bool:
    return t.capitalised and not t.text[0].isdigit() and t.lower != "i" and t.lower not in WEEKDAYS \
        and t.lower not in MONTHS


#: A quotation is at most QUOTE_MAX characters: an unclosed mark then costs a bounded scan, not
#: one to the end of the text from every mark (quadratic on a text full of opening marks).
QUOTE_MAX = 2000
#: (An opening mark also ends the scan of the previous one.)
_QUOTE_RE = re.compile(rf"\"([^\"]{{2,{QUOTE_MAX}}}?)\"|“([^“”]{{2,{QUOTE_MAX}}}?)”|``(.{{2,{QUOTE_MAX}}}?)(?:''|``)|"
                       rf"«([^«»]{{2,{QUOTE_MAX}}}?)»|„([^„“”]{{2,{QUOTE_MAX}}}?)[“”]")


def quotes(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of quoted speech in ``text[start:end]`` (the words inside the quotation marks)."""
    end = len(text) if end is None else end
    spans = []
    for m in _QUOTE_RE.finditer(text, start, end):
        group = next(g for g in range(1, 6) if m.group(g) is not None)
        spans.append((m.start(group), m.end(group)))
    return spans

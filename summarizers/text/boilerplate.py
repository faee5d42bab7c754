"""Boilerplate that CMSs and scrapers leave in article text: rules by family.

Each rule is a family (``reason``), a regular expression and the most words a text may have
for the rule to apply. :func:`boilerplate_reason` says which rule a short line or a sentence
matches. A rule alone never removes anything: :mod:`summarizers.document` asks the general
signals of :mod:`summarizers.text.signals` to agree first.

Boilerplate glued to a real sentence ("Scroll down for video Reality star Kim said ...",
"... on their grounds (file picture)") is cut from it: :func:`glued_prefix` and
:func:`glued_suffix` find where the boilerplate ends (a capitalised word after an
unpunctuated one) and :func:`header_run_length` the "By . Author . PUBLISHED: ..." runs of
scraped tabloid pages. Families: comment forms and counts, newsletters, consent and cookie
banners, paywalls, app prompts, captions and gallery counters, bylines, datelines, agency
credits and copyright lines, corrections and update notes, video prompts, share buttons,
adverts, "most read / related" lists; in English, German, French and Spanish.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import ahocorasick

from .triggers import fold, prefix_strings, trigger_strings, unusual_digit
from .words import count_words, word_starts

_I = re.IGNORECASE
#: Months and days: "By September, ..." opens a sentence, not a byline.
_WHEN = (r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|"
         r"Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Then|Now|"
         r"The|This|That|These|Those|Next|Last|Early|Late|Mid|Midnight|Noon|You|Me|Us|Him|Her|It|Them|Myself|"
         r"Yourself|Himself|Herself|Itself|Themselves|Far|Contrast|Comparison|Then|Now|Default|Design|Chance|"
         r"Law|Accident|Mistake|Way|Order|Name|Nature|Definition|Rights|Comparison)")

#: An agency photo caption's opening ("In this March 2, 2019, photo, ..."): the whole sentence is
#: the caption, so it is removed whole, never cut.
CAPTION_SENTENCE = re.compile(r"^in\s+this\s+(\w+[\s,]+){0,8}(file\s+)?(photo|image|picture|photograph)\b", _I)

#: The agency credit that closes a photo caption block: "(AP Photo/Minh Hoang)", "(Reuters)".
_CAPTION_CREDIT = re.compile(
    r"\(\s*(?:AP|AFP|Reuters|EPA|dpa|EFE|PA|Getty\s+Images)(?:\s+(?:Photo|Images?|Foto)s?)?\s*(?:/[^()]{0,80})?\)\s*\.?$"
)
#: A caption block spans at most this many sentences after its opening one.
CAPTION_BLOCK_SENTENCES = 3


def caption_block_end(sentences: list[str], opening: int) -> int:
    """The index of the last sentence of the agency photo caption that ``sentences[opening]``
    opens ("In this March 2, 2019, photo, ..."): the sentence that ends with the agency's credit
    ("... Putin. (AP Photo/Minh Hoang)") within :data:`CAPTION_BLOCK_SENTENCES`, else
    ``opening`` itself (a caption sentence alone)."""
    last = min(len(sentences) - 1, opening + CAPTION_BLOCK_SENTENCES)
    for k in range(opening + 1, last + 1):
        if _CAPTION_CREDIT.search(sentences[k]):
            return k
    return opening


#: Where a rule's pattern names a fragment of this module: ``{WHEN}``.
_FRAGMENT = re.compile(r"\{([A-Z_]+)\}")


def load_rules(text: str, fragments: dict[str, str]) -> list[tuple[str, re.Pattern[str], int | None]]:
    """The rules written in ``text`` (the format of ``boilerplate_rules.txt``: ``FAMILY
    MAX_WORDS FLAGS PATTERN`` a line, indented lines continuing the pattern, ``#`` comments),
    in order, with each ``{NAME}`` of a pattern replaced by ``fragments[NAME]``.

    Raises:
        ValueError: a line that is not a rule; KeyError: an unknown fragment; re.error: a bad pattern.
    """
    rows: list[list[str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line[0].isspace() and rows:
            rows[-1][3] += line.strip()
            continue
        row = line.split(None, 3)
        if len(row) != 4 or row[2] not in ("i", "-") or not (row[1] == "-" or row[1].isdigit()):
            raise ValueError(f"boilerplate rules, line {number}: not FAMILY MAX_WORDS FLAGS PATTERN: {line!r}")
        rows.append(row)
    return [(family, re.compile(_FRAGMENT.sub(lambda m: fragments[m[1]], pattern), _I if flags == "i" else 0),
             None if most == "-" else int(most)) for family, most, flags, pattern in rows]


#: (reason, pattern, maximum words for the rule to apply or None for any length), in the order
#: they are tried: the table of ``boilerplate_rules.txt``.
_RULES = load_rules(resources.files(__package__).joinpath("boilerplate_rules.txt").read_text("utf-8"),
                    {"WHEN": _WHEN, "CAPTION_SENTENCE": CAPTION_SENTENCE.pattern})

#: A dateline opening a sentence: "SEOUL, South Korea –", "WASHINGTON (Reuters) -", "(AP) —", "(CNN)".
_AGENCY = r"(?:AP|Reuters|AFP|CNN|Bloomberg|UPI|dpa|PA|EFE|ANSA)"
DATELINE_PREFIX = re.compile(
    r"^(?:"
    r"[A-Z][A-Z.'’\-]{2,}(?:\s+[A-Z][A-Z.'’\-]+)*"          # SEOUL / NEW YORK / WASHINGTON
    r"(?:,\s*[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*)*)?"        # , South Korea
    rf"(?:\s*\(\s*{_AGENCY}\s*\))?"                            # (Reuters)
    rf"\s*[–—-]{{1,2}}\s+|\(\s*{_AGENCY}\s*\)\s*(?:[–—-]{{1,2}}\s*)?"
    r")"
)

#: "By . Daily Mail Reporter . PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: . ..." and
#: "Last updated at 5:43 PM on 4th January 2012 ." runs at the start of scraped tabloid pages.
_STAMP = r"\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s+[A-Z]{2,4})?(?:,|\s+on)?\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}"
_HEADER_RUN = re.compile(
    r"^(?:(?:By\s+\.\s+(?:[^.|:]{1,60}?\s+\.\s+){1,3})"
    rf"|(?:(?:\|\s*\.?\s*)?(?:PUBLISHED|UPDATED|Last\s+updated(?:\s+at)?)\s*:?\s*\.?\s*{_STAMP}\s*\.?\s*)"
    r")+"
)

#: Sentence-final punctuation (with closing quotes or brackets after it).
_FINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")
#: Where a glued piece may end: an unpunctuated word, a space, then a capital or an opening mark.
_GLUE = re.compile(r"(?<=[\w%)\]])\s+(?=[\"“‘«(\[©]?[A-ZÀ-ÝÄÖÜ©])")
#: Where a glued piece may start at the end of a sentence: also before a number ("... 1 of 12").
_GLUE_TAIL = re.compile(r"(?<=[\w%)\]:])\s+(?=[\"“‘«(\[©]?[A-ZÀ-ÝÄÖÜ0-9©]|@\w)")
#: A trailing bracketed credit: "(file picture)", "(AP Photo/Jane Doe)", "(Photo: Reuters)".
_TRAILING_BRACKET = re.compile(r"\s{0,80}\([^()]{1,80}\)\s{0,80}\.?$")  # bounded: linear on long runs of spaces
#: Glued pieces are searched only this far into a sentence (in characters), and have at most
#: this many words.
GLUE_WINDOW = 200
GLUE_MAX_WORDS = 15


#: Rules that may match anywhere in a text (the others are anchored at its start).
_UNANCHORED = frozenset(i for i, (_, pattern, _) in enumerate(_RULES) if not pattern.pattern.startswith("^"))

def _trigger_automata() -> tuple[Any, Any, frozenset[int]]:
    """Two Aho-Corasick automata over the rules: every rule's trigger strings (one of which any
    match holds), and the anchored rules' opening strings (one of which any match starts
    with); each string maps to the rules it lets through. Also the rules without triggers."""
    by_trigger: dict[str, set[int]] = {}
    by_opening: dict[str, set[int]] = {}
    always = set()
    for i, (_, pattern, _) in enumerate(_RULES):
        triggers = trigger_strings(pattern) if i in _UNANCHORED else None  # anchored: by openings
        if i in _UNANCHORED and not triggers:
            always.add(i)
        for trigger in triggers or ():
            by_trigger.setdefault(trigger, set()).add(i)
        if i not in _UNANCHORED:
            for opening in prefix_strings(pattern) or ():
                by_opening.setdefault(opening, set()).add(i)
    automata = []
    for table in (by_trigger, by_opening):
        automaton = ahocorasick.Automaton()
        for string, rules in table.items():
            automaton.add_word(string, (len(string), frozenset(rules)))
        automaton.make_automaton()
        automata.append(automaton)
    return automata[0], automata[1], frozenset(always)


_AUTOMATON, _OPENINGS, _ALWAYS = _trigger_automata()
#: Anchored rules with no known opening string: they may open any piece.
_OPEN_ANYWHERE = frozenset(i for i in range(len(_RULES)) if i not in _UNANCHORED
                           and not prefix_strings(_RULES[i][1]))
_ANCHORED_ORDER = tuple(i for i in range(len(_RULES)) if i not in _UNANCHORED)


#: The longest opening string (a piece's first this many characters tell its openings).
_LONGEST_OPENING = max(map(len, _OPENINGS.keys()))


def _opened_by(text: str) -> frozenset[int]:
    """The anchored rules ``text`` may match: those whose opening string it starts with, and
    those with no known opening."""
    folded = fold(text[:_LONGEST_OPENING])
    if unusual_digit(folded):
        return frozenset(range(len(_RULES)))
    found = set(_OPEN_ANYWHERE)
    for end, (length, rules) in _OPENINGS.iter(folded):
        if end + 1 == length:  # the string starts the text
            found.update(rules)
    return frozenset(found)


@dataclass(frozen=True)
class _Candidates:
    """The rules a text (and every piece of it) can match, both in table order."""

    anchored: tuple[int, ...]
    unanchored: tuple[int, ...]
    #: Whether an anchored rule may match at the text's start, or at the start of a word.
    at_start: bool = True
    at_word: bool = True


@lru_cache(maxsize=4096)
def _candidates(text: str) -> _Candidates:
    """The rules ``text`` or a piece of it may match: the anchored rules whose opening string
    starts the text or a word of it where a piece can start (after a space, at a character that
    is not a lower-case letter: see ``_GLUE`` and ``_GLUE_TAIL``); the unanchored rules whose
    trigger strings occur in it and whose pattern does."""
    folded = fold(text)
    possible = set(_ALWAYS)
    for _, (_, rules) in _AUTOMATON.iter(folded):
        possible.update(rules)
    unanchored = tuple(i for i in sorted(possible) if _RULES[i][1].search(text))
    if unusual_digit(folded):
        return _Candidates(_ANCHORED_ORDER, unanchored)
    opened = set(_OPEN_ANYWHERE)
    at_start = bool(opened)
    same = len(folded) == len(text)  # offsets of the folded text are the text's own
    for end, (length, rules) in _OPENINGS.iter(folded):
        begin = end - length + 1
        # a piece starts the text, or follows a space at a capital, a digit or a mark
        if begin == 0 or (folded[begin - 1].isspace() and not (same and text[begin].islower())):
            opened.update(rules)
            at_start = at_start or begin == 0
    return _Candidates(tuple(sorted(opened)), unanchored, at_start, bool(opened))


def _applies(i: int, words: int) -> bool:
    max_words = _RULES[i][2]
    return max_words is None or words <= max_words


def may_match(text: str, where: str = "anywhere") -> bool:
    """Whether any rule could match a piece of ``text`` that starts ``where``: ``"start"`` (a
    prefix), ``"word"`` (at the start of a word), ``"anywhere"`` (``False``: none can)."""
    candidates = _candidates(text)
    if candidates.unanchored:
        return True
    if not candidates.anchored:
        return False
    return {"start": candidates.at_start, "word": candidates.at_word}.get(where, True)


def boilerplate_reason(line: str, within: str | None = None) -> str | None:
    """The boilerplate family ``line`` matches (``"caption"``, ``"consent"``...), or ``None``.

    The first rule of the table that applies to a text of this many words and matches wins.
    ``within``: a text that ``line`` is a piece of; rules that may match anywhere are tried
    only when they occur in it (pieces of one sentence are judged many times over).
    """
    stripped = line.strip()
    return _reason(stripped, count_words(stripped), within)


def _reason(stripped: str, words: int, within: str | None = None) -> str | None:
    """:func:`boilerplate_reason` of a stripped text of ``words`` words.

    Only the rules whose trigger strings occur in the text (or in ``within``) are tried, and of
    the anchored ones only those whose opening string the text starts with.
    """
    candidates = _candidates(stripped if within is None else within)
    first = len(_RULES)
    if candidates.anchored:
        opened = _opened_by(stripped)
        for i in candidates.anchored:
            if i in opened and _applies(i, words) and _RULES[i][1].match(stripped):
                first = i
                break
    for i in candidates.unanchored:
        if i >= first:
            break
        if _applies(i, words) and _RULES[i][1].search(stripped):
            return _RULES[i][0]
    return _RULES[first][0] if first < len(_RULES) else None


#: The words by which a short sentence at the edge of a block of boilerplate shows that it
#: belongs to the block ("Your privacy matters to us." before a cookie notice, "No part of it may
#: be reproduced." after "All rights reserved."), by family.
_BLOCK_WORDS: dict[str, re.Pattern[str]] = {
    "consent": re.compile(r"\b(privacy|cookies?|consent|personal\s+(data|information)|partners|ads|advertis\w*|"
                          r"tracking|preferences|datenschutz|confidentialité|privacidad)\b", _I),
    "credit": re.compile(r"\b(reproduc\w*|republish\w*|redistribut\w*|rewritten|broadcast|permission|copyright|"
                         r"rights|reserved|vervielfältig\w*|reproducci[oó]n)\b", _I),
    "newsletter": re.compile(r"\b(inbox|newsletters?|e-?mails?|subscribe\w*|sign\s*up|unsubscribe|spam)\b", _I),
    "paywall": re.compile(r"\b(subscri\w+|access|unlimited|members?|log\s*in|sign\s*in|offer)\b", _I),
    "app": re.compile(r"\b(apps?|download|store|notifications?)\b", _I),
    "share": re.compile(r"\b(share|follow|facebook|twitter|instagram|whatsapp|e-?mail)\b", _I),
    "comment_form": re.compile(r"\b(comments?|name|e-?mail|website|required|published)\b", _I),
    "navigation": re.compile(r"\b(read|stories|articles?|more|related|popular)\b", _I),
}


def belongs_to_block(sentence: str, family: str) -> bool:
    """Whether ``sentence``, next to a block of ``family`` boilerplate, uses the family's words."""
    pattern = _BLOCK_WORDS.get(family)
    return pattern is not None and pattern.search(sentence) is not None


def whole_piece(line: str) -> bool:
    """Whether an anchored rule matches the whole of ``line`` ("More stories", "Watch the
    video"): a label that is nothing but boilerplate, never the start of a sentence."""
    stripped = line.strip()
    words = count_words(stripped)
    candidates = _candidates(stripped)
    opened = _opened_by(stripped)
    for i in candidates.anchored:
        match = _RULES[i][1].match(stripped) if i in opened and _applies(i, words) else None
        if match is not None and match.end() >= len(stripped.rstrip(".:!")):
            return True
    return False


def glued_prefix(sentence: str) -> tuple[int, str] | None:
    """The shortest boilerplate piece glued, without punctuation, to the start of ``sentence``:
    ``(length, reason)`` or ``None`` (the first of :func:`glued_prefixes`)."""
    return next(glued_prefixes(sentence), None)


def glued_prefixes(sentence: str) -> Iterator[tuple[int, str]]:
    """Boilerplate pieces glued, without punctuation, to the start of ``sentence``, shortest first.

    Yields ``(length, reason)`` for each prefix that a rule matches, that does not end on an
    article or a preposition ("Subscribe to | The ..." is not where a plug ends) and whose rest still reads as a
    sentence: "Scroll down for video Reality star Kim said ..." gives the length of "Scroll down
    for video ".
    """
    if not may_match(sentence, "start"):
        return
    starts = word_starts(sentence)
    final = ends_like_sentence(sentence)
    for match in _GLUE.finditer(sentence, 0, min(len(sentence), GLUE_WINDOW)):
        rest_words = len(starts) - bisect_left(starts, match.end())  # words never hold a space
        if rest_words < 4 or not (final or rest_words >= 8):  # the rest no longer reads as a sentence
            break
        head = sentence[:match.start()]
        head_words = bisect_left(starts, match.start())
        if head.rsplit(None, 1)[-1].lower() in _OPEN_ENDED or head_words > GLUE_MAX_WORDS:
            continue
        if head.count("(") > head.count(")"):  # never inside brackets
            continue
        reason = _reason(head.strip(), head_words, sentence)
        if reason:
            yield _past_name(sentence, match.start(), match.end()), reason


def _past_name(sentence: str, head_end: int, rest_start: int) -> int:
    """Where a glued piece ending in a first name really ends: "Reporting by Jane | Doe The ..."
    is cut after "Doe" (one capitalised word followed by another capitalised word)."""
    owner = _OWNER.match(sentence, rest_start)
    if owner and reads_as_sentence(sentence[owner.end():]):  # "© 2024 | Example Media Ltd | The ..."
        return owner.end()
    words = sentence[:head_end].split()
    if len(words) < 2 or not words[-1][:1].isupper() or (words[-2][:1].isupper() and words[-2][-1] not in ":|"):
        return rest_start
    follow = _CAPITALISED_THEN_GLUE.match(sentence, rest_start)
    return follow.end() if follow else rest_start


def all_pieces(text: str, max_words: int = 30) -> str | None:
    """The family of the first piece when ``text`` is nothing but boilerplate pieces glued
    together ("Doe Advertisement Sign up for our daily newsletter" is not, "Advertisement Sign
    up for our daily newsletter" is), else ``None``. Only texts of up to ``max_words`` words."""
    if count_words(text) > max_words or not may_match(text, "word"):
        return None
    cuts = [0, *(m.end() for m in _GLUE.finditer(text)), len(text)]
    if len(cuts) > 12:
        return None
    if len(cuts) < 3:
        return None
    reasons: dict[int, str] = {len(cuts) - 1: ""}
    for i in range(len(cuts) - 2, -1, -1):
        for j in range(i + 1, len(cuts) - (i == 0)):  # two pieces at least
            if j in reasons and (reason := boilerplate_reason(text[cuts[i]:cuts[j]], text)):
                reasons[i] = reason
                break
    return reasons.get(0) or None


#: Words a phrase does not end on ("Subscribe to | The Jewish Link" goes on): articles,
#: prepositions, conjunctions, possessives, in English, German, French and Spanish.
_OPEN_ENDED = frozenset(["the", "a", "an", "to", "of", "for", "by", "with", "and", "or", "our", "your", "my", "his", "her", "their", "its", "at", "from", "into", "as", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "zu", "von", "für", "mit", "und", "oder", "unser", "unsere", "le", "la", "les", "un", "une", "des", "du", "de", "à", "au", "aux", "pour", "par", "avec", "et", "ou", "notre", "votre", "el", "los", "las", "una", "unos", "unas", "del", "al", "para", "por", "con", "y", "o", "nuestro", "nuestra", "su"])
#: A capitalised word, then a space and another capitalised word.
_CAPITALISED_THEN_GLUE = re.compile(r"(?<![\w'’.-])([A-ZÀ-Ý][\w'’.-]{0,63})\s{1,80}(?=[A-ZÀ-Ý\"“‘(©])")  # linear
#: A company's name ("Example Media Ltd"), then a space and a capitalised word.
_OWNER = re.compile(r"(?<![\w&'’.-])(?:[A-ZÀ-Ý][\w&'’.-]{0,63}\s{1,80}){0,4}(?:Ltd|Limited|Inc|LLC|plc|PLC|GmbH|AG|SA|S\.A\.|SL|SAS|"
                    r"Group|Media|News|Press|Corporation|Corp|Company|Co)\.?\s+(?=[A-ZÀ-Ý\"“‘(©])")


def glued_suffix(sentence: str) -> tuple[int, str] | None:
    """A boilerplate piece glued to the end of ``sentence``: ``(start, reason)`` or ``None``.

    A trailing bracketed credit ("... on their grounds (file picture)") or an unpunctuated
    tail that a rule matches ("... said on Monday Share this article").
    """
    bracket = _TRAILING_BRACKET.search(sentence)
    if bracket and reads_as_sentence(sentence[:bracket.start()], final=False):
        piece = sentence[bracket.start():].strip()
        if _CREDIT_IN_BRACKETS.search(" ".join(piece.split()[:4])):  # "(file picture)", "( above file photo"
            return bracket.start(), "caption"
    if not may_match(sentence, "word"):
        return None
    starts = word_starts(sentence)
    low = max(0, len(sentence) - GLUE_WINDOW)
    for match in reversed(list(_GLUE_TAIL.finditer(sentence, low))):
        tail_words = len(starts) - bisect_left(starts, match.end())  # words never hold a space
        if bisect_left(starts, match.start()) < 4 or tail_words > GLUE_MAX_WORDS:
            break
        tail = sentence[match.end():]
        reason = _reason(tail.strip(), tail_words, sentence)
        if reason and reason not in _NOT_GLUED_AFTER:
            return match.start(), reason
    return None


def glued_infixes(sentence: str, families: frozenset[str], max_words: int) -> Iterator[tuple[int, int, str]]:
    """Boilerplate labels glued, without punctuation, inside ``sentence``, leftmost and shortest
    first: ``(start, end, reason)`` of each piece of at most ``max_words`` words that a rule of
    one of ``families`` matches ("... a fifth next year @desk for live updates The council ...").

    The text before a piece holds four words or more and the text after it reads as a sentence
    (:func:`reads_as_sentence`); a piece starts where a glued tail may (:data:`_GLUE_TAIL`) and
    ends where a glued prefix may (:data:`_GLUE`), not on an article or a preposition, never
    inside brackets; it opens with a letter or an ``@`` (a counter such as "45 comments" is no
    label). A label at the very end is :func:`glued_suffix`'s; one at the start,
    :func:`glued_prefixes`'. Linear: each start tries at most ``max_words`` ends.
    """
    candidates = _candidates(sentence)
    anywhere = any(_RULES[i][0] in families for i in candidates.unanchored)  # found in the sentence
    if not anywhere and not (candidates.at_word and any(_RULES[i][0] in families for i in candidates.anchored)):
        return  # no rule of the families opens at a word of it
    starts: list[int] | None = None  # word starts and piece ends: only once a start may open a label
    ends: list[tuple[int, int]] = []
    final = ends_like_sentence(sentence)
    first_end, depth, counted = 0, 0, 0  # brackets open before ``counted`` (counted lazily: linear)
    for tail in _GLUE_TAIL.finditer(sentence):
        begin = tail.end()
        if sentence[begin].isdigit():  # a label is words ("1.2K shares" is a counter)
            continue
        if not anywhere and not any(_RULES[i][0] in families
                                    for i in _opened_by(sentence[begin:begin + _LONGEST_OPENING])):
            continue
        depth += sentence.count("(", counted, begin) - sentence.count(")", counted, begin)
        counted = begin
        if depth > 0:  # never inside brackets
            continue
        if starts is None:
            starts = word_starts(sentence)
            ends = [(m.start(), m.end()) for m in _GLUE.finditer(sentence)]
        before = bisect_left(starts, tail.start())
        if before < 4:
            continue
        if len(starts) - before < 5:  # no room for a piece and a sentence after it
            break
        while first_end < len(ends) and ends[first_end][0] <= begin:
            first_end += 1
        for end, rest in ends[first_end:first_end + max_words]:  # a piece of max_words words ends by then
            words = bisect_left(starts, end) - before
            rest_words = len(starts) - bisect_left(starts, rest)  # the rest reads as a sentence
            if words > max_words or rest_words < 4 or not (final or rest_words >= 8):
                break
            piece = sentence[begin:end]
            if piece.rsplit(None, 1)[-1].lower() in _OPEN_ENDED:  # "OS X, the | Apple ..." goes on
                continue
            reason = _reason(piece, words, sentence)
            if reason in families:
                yield begin, end, reason
                break


#: Families that are never glued after a sentence ("I'll Stand By You", "director Lars Von Trier").
_NOT_GLUED_AFTER = frozenset({"byline", "dateline"})
#: A bracketed credit: a picture word, or an agency with a photographer ("(AP/Jane Doe)").
_CREDIT_IN_BRACKETS = re.compile(
    r"\b(file\s+)?(photo|photos|picture|pictures|pic|image|images|photograph|foto|fotos|bild|imagen|archivbild|"
    r"archivfoto|illustration|video|getty|credit|courtesy|pictured|shutterstock)\b|"
    r"\(\s*(AP|AFP|Reuters|EPA|dpa|EFE|PA)\s*/", _I)
#: Markers that stand for boilerplate on their own, even as one word glued to a sentence.
MARKERS = frozenset({"advertisement", "advertisement:", "anzeige", "werbung", "publicité", "publicidad",
                     "sponsored content", "paid content", "contenu sponsorisé", "contenido patrocinado"})


def reads_as_sentence(text: str, *, final: bool = True) -> bool:
    """Whether ``text`` looks like a sentence of prose: four words or more, and (with ``final``)
    no more than a short unpunctuated piece."""
    words = count_words(text)
    if words < 4:
        return False
    return not final or ends_like_sentence(text) or words >= 8


def header_run_length(line: str) -> int:
    """How many leading characters of ``line`` are a "By . Author . PUBLISHED: ..." run."""
    match = _HEADER_RUN.match(line)
    return match.end() if match else 0


def dateline_length(sentence: str) -> int:
    """How many leading characters of ``sentence`` are a dateline ("SEOUL, South Korea – ")."""
    match = DATELINE_PREFIX.match(sentence)
    if not match or match.end() >= len(sentence):
        return 0
    return match.end()


def ends_like_sentence(line: str) -> bool:
    """Whether ``line`` ends with sentence-final punctuation."""
    return _FINAL.search(line.rstrip()) is not None


@cache
def rule_families() -> tuple[str, ...]:
    """Every family a rule can report, in table order."""
    return tuple(dict.fromkeys(reason for reason, _, _ in _RULES))

"""Trigger strings of a regular expression: a prefilter that skips patterns that cannot match.

:func:`trigger_strings` derives, from a compiled pattern's parse tree, a set of case-folded
strings one of which every match must contain (as RE2's and Hyperscan's prefilters do). A text
that holds none of them is not searched at all, which is what makes the boilerplate rules and
signals cheap on article prose: most sentences hold no trigger of most rules. The test is only
ever a necessary condition, so a gated search finds exactly what the plain search finds.
"""

from __future__ import annotations

import re
import re._parser as _parser  # the standard library's own parser (Python 3.11+)
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

#: Letters that a case-insensitive pattern matches across scripts (dotless i, dotted capital I).
_TURKISH_I = str.maketrans({"ı": "i", "İ": "i"})
#: A character class of at most this many single characters counts as that many triggers.
_SMALL_CLASS = 8


def fold(text: str) -> str:
    """``text`` case-folded as a case-insensitive pattern sees it (for trigger tests)."""
    return text.translate(_TURKISH_I).casefold()


def trigger_strings(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Case-folded strings one of which every match of ``pattern`` holds, or ``None`` when the
    pattern can match without any literal (then it must always be tried)."""
    return _literals(_parsed(pattern))


@lru_cache(maxsize=256)
def _parsed(pattern: re.Pattern[str]) -> Any:
    return _parser.parse(pattern.pattern, pattern.flags)


def prefix_strings(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Case-folded strings one of which every match of ``pattern`` in a stripped text (no
    leading space) starts with (zero-width
    assertions such as ``^`` skipped; ``\\d`` as 0-9), or ``None`` when not known."""
    return _prefixes(list(_parsed(pattern)))


#: Opening strings are expanded up to this many alternatives.
_MAX_OPENINGS = 256
#: ``\d`` opening a pattern stands for these (a text opening with another decimal digit is
#: tried against every rule: see :func:`unusual_digit`).
_ASCII_DIGITS = frozenset("0123456789")


_UNUSUAL_DIGIT = re.compile(r"[^\D0-9]")


def unusual_digit(text: str) -> bool:
    r"""Whether ``text`` holds a decimal digit other than 0-9 (which ``\d`` matches too)."""
    return _UNUSUAL_DIGIT.search(text) is not None


def _prefixes(items: list[Any], at_start: bool = True) -> frozenset[str] | None:
    """Opening strings of the sequence ``items``; ``at_start``: it opens the pattern (nothing
    matched before it)."""
    results = {""}
    for k, (op, av) in enumerate(items):
        if at_start and results == {""} and _leading_space(str(op), av):
            continue  # the texts tested are stripped: a leading \s* matches nothing there
        if str(op) in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] == 0:
            # an optional opening: the match starts with it or with what follows it
            opening = at_start and results == {""}
            body, rest = _prefixes(list(av[2]), False), _prefixes(items[k + 1:], opening)
            if body and rest and len(results) * (len(body) + len(rest)) <= _MAX_OPENINGS:
                results = {r + i for r in results for i in body | rest}
            break
        exact = _exact(str(op), av)
        if exact is None:
            inner = _opening(str(op), av, at_start and results == {""})
            if inner:
                expanded = {r + i for r in results for i in inner}
                if len(expanded) <= _MAX_OPENINGS:
                    results = expanded
            break
        expanded = {r + e for r in results for e in exact}
        if len(expanded) > _MAX_OPENINGS:
            break
        results = expanded
    if "" in results:
        return None
    return frozenset(results)


def _leading_space(name: str, av: Any) -> bool:
    if name not in ("MAX_REPEAT", "MIN_REPEAT") or av[0] != 0:
        return False
    body = list(av[2])
    return len(body) == 1 and str(body[0][0]) == "IN" and str(body[0][1]) == "[(CATEGORY, CATEGORY_SPACE)]"


def _opening(name: str, av: Any, at_start: bool) -> frozenset[str] | None:
    """Opening strings of one element that is not matched by a fixed set of strings."""
    if name == "SUBPATTERN":
        return _prefixes(list(av[-1]), at_start)
    if name == "BRANCH":
        branches = [_prefixes(list(b), at_start) for b in av[1]]
        return frozenset().union(*branches) if all(branches) else None  # type: ignore[arg-type]
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
        return _prefixes(list(av[2]), at_start)
    return None


def _exact(name: str, av: Any) -> frozenset[str] | None:
    """The strings one element matches when that is a small fixed set (``""`` for zero width)."""
    if name == "LITERAL":
        return frozenset([fold(chr(av))])
    if name == "AT":
        return frozenset([""])
    if name == "IN" and len(av) <= _SMALL_CLASS and all(str(o) == "LITERAL" for o, _ in av):
        return frozenset(fold(chr(c)) for _, c in av)
    if name == "IN" and len(av) == 1 and str(av[0][0]) == "CATEGORY" and str(av[0][1]) == "CATEGORY_DIGIT":
        return _ASCII_DIGITS
    if name == "SUBPATTERN":
        return _sequence(list(av[-1]))
    if name == "BRANCH":
        branches = [_sequence(list(b)) for b in av[1]]
        return frozenset().union(*branches) if all(b is not None for b in branches) else None  # type: ignore[arg-type]
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[1] == 1 and av[0] <= 1:
        body = _sequence(list(av[2]))
        if body is None:
            return None
        return body | {""} if av[0] == 0 else body
    return None


def _sequence(items: list[Any]) -> frozenset[str] | None:
    results = {""}
    for op, av in items:
        exact = _exact(str(op), av)
        if exact is None:
            return None
        results = {r + e for r in results for e in exact}
        if len(results) > _MAX_OPENINGS:
            return None
    return frozenset(results)


def _literals(items: Any) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run += fold(chr(av))
            continue
        if run:
            candidates.append(frozenset([run]))
            run = ""
        found: frozenset[str] | None = None
        if name == "SUBPATTERN":
            found = _literals(av[-1])
        elif name == "BRANCH":
            branches = [_literals(branch) for branch in av[1]]
            if all(b is not None for b in branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            found = _literals(av[2])
        elif name == "ATOMIC_GROUP":
            found = _literals(av)
        elif name == "IN" and len(av) <= _SMALL_CLASS and all(str(o) == "LITERAL" for o, _ in av):
            found = frozenset(fold(chr(c)) for _, c in av)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset([run]))
    # The most selective set: its shortest string longest, then the fewest strings.
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)), default=None)


@dataclass(frozen=True)
class Gated:
    """A pattern searched only in texts that hold one of its trigger strings (found with one
    Aho-Corasick pass)."""

    pattern: re.Pattern[str]
    triggers: frozenset[str] | None
    automaton: Any = None

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Gated:
        triggers = trigger_strings(pattern)
        automaton = None
        if triggers:
            automaton = ahocorasick.Automaton()
            for trigger in triggers:
                automaton.add_word(trigger, trigger)
            automaton.make_automaton()
        return cls(pattern, triggers, automaton)

    def may_occur(self, folded: str) -> bool:
        """Whether the pattern may occur in a text whose :func:`fold` is ``folded``."""
        if self.automaton is None:
            return True
        return next(self.automaton.iter(folded), None) is not None

    def search(self, text: str, folded: str | None = None) -> re.Match[str] | None:
        """``pattern.search(text)``, skipped when ``text`` holds no trigger."""
        if not self.may_occur(fold(text) if folded is None else folded):
            return None
        return self.pattern.search(text)

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
    """Case-folded strings one of which every match of ``pattern`` starts with (after a leading
    ``^``), or ``None`` when not known."""
    return _prefixes(list(_parsed(pattern)))


def _prefixes(items: list[Any]) -> frozenset[str] | None:
    while items and str(items[0][0]) == "AT":
        items = items[1:]
    if not items:
        return None
    op, av = items[0]
    name = str(op)
    if name == "LITERAL":
        run = ""
        for op2, av2 in items:
            if str(op2) != "LITERAL":
                break
            run += fold(chr(av2))
        return frozenset([run])
    if name == "SUBPATTERN":
        return _prefixes(list(av[-1]))
    if name == "BRANCH":
        branches = [_prefixes(list(branch)) for branch in av[1]]
        if all(branches):
            return frozenset().union(*branches)  # type: ignore[arg-type]
        return None
    if name == "IN" and len(av) <= _SMALL_CLASS and all(str(o) == "LITERAL" for o, _ in av):
        return frozenset(fold(chr(c)) for _, c in av)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        body = _prefixes(list(av[2]))
        if av[0] >= 1 or body is None:
            return body if av[0] >= 1 else None
        rest = _prefixes(items[1:])  # an optional opening: the match starts with it or without it
        return body | rest if rest else None
    return None


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
    """A pattern searched only in texts that hold one of its trigger strings."""

    pattern: re.Pattern[str]
    triggers: frozenset[str] | None

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Gated:
        return cls(pattern, trigger_strings(pattern))

    def may_occur(self, folded: str) -> bool:
        """Whether the pattern may occur in a text whose :func:`fold` is ``folded``."""
        return self.triggers is None or any(t in folded for t in self.triggers)

    def search(self, text: str, folded: str | None = None) -> re.Match[str] | None:
        """``pattern.search(text)``, skipped when ``text`` holds no trigger."""
        if not self.may_occur(fold(text) if folded is None else folded):
            return None
        return self.pattern.search(text)

"""Every regular expression that reads input text runs in linear time.

Each compiled pattern of ``summarizers/text`` and ``summarizers/grounding`` (found by walking
the modules, so a new pattern is covered without editing this file) is searched over 50 KB
tokens of every character family that backtracking feeds on, and over 1 MB tokens of the
worst families (marked slow)
(letters, capitals, digits, spaces, newlines, dots, ``@``, brackets, quotes, dashes, mixed
punctuation, URL-like runs). A quadratic pattern takes minutes on 1 MB; a linear one well
under a second. A property test then throws hypothesis's pathological strings (repeats
of short punctuation-heavy pieces) at every pattern, timed against a linear budget, and the
library must summarize an 80,000-character token end to end in under a second.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import summarizers
import summarizers.grounding
import summarizers.text

MB = 1_000_000
#: Seconds one pattern may take to search one 1 MB token: a linear scan with a bounded
#: repetition takes well under a second; a quadratic pattern, minutes. Generous: the test
#: machine is shared.
BUDGET_1MB = 3.0
#: The same for the 50 KB tokens of the fast test (a quadratic pattern needs seconds there).
BUDGET_50KB = 0.3
#: The families searched at 1 MB (every family is searched at 50 KB).
FAMILIES_1MB = ("letters", "capitals", "spaces", "at_dots", "mixed")

FAMILIES: dict[str, str] = {
    "letters": "a",
    "capitals": "A",
    "digits": "1",
    "spaces": " ",
    "newlines": "\n",
    "dots": "a.",
    "at": "a@",
    "at_dots": "@a.",
    "brackets": "(",
    "quotes": "'",
    "dashes": "-",
    "mixed": "Ab1.-@'",
    "capital_words": "Ab ",
    "commas": "a,",
    "colons": "1:",
    "url": "a/",
}


def _patterns(obj: object, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(obj, re.Pattern):
        if isinstance(obj.pattern, str):
            yield obj
    elif depth < 3 and isinstance(obj, (list, tuple, set, frozenset)):
        for item in obj:
            yield from _patterns(item, depth + 1)
    elif depth < 3 and isinstance(obj, dict):
        for item in obj.values():
            yield from _patterns(item, depth + 1)


def all_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """``(module.name, pattern)`` for every distinct module-level pattern of text/ and grounding/."""
    found: dict[int, tuple[str, re.Pattern[str]]] = {}
    for package in (summarizers.text, summarizers.grounding):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                for pattern in _patterns(value):
                    found.setdefault(id(pattern), (f"{module.__name__}.{name}", pattern))
    return list(found.values())


PATTERNS = all_patterns()


def test_the_walk_finds_the_patterns() -> None:
    names = {name for name, _ in PATTERNS}
    assert len(PATTERNS) > 50
    assert "summarizers.text.signals._LINKS" in names
    assert "summarizers.text.boilerplate._TRAILING_BRACKET" in names


def _token(family: str, size: int) -> str:
    unit = FAMILIES[family]
    return (unit * (size // len(unit) + 1))[:size]


def _slow_patterns(token: str, budget: float) -> list[str]:
    slow = []
    for name, pattern in PATTERNS:
        started = time.perf_counter()
        pattern.search(token)
        elapsed = time.perf_counter() - started
        if elapsed > budget:
            slow.append(f"{name} ({elapsed:.2f} s): {pattern.pattern[:80]}")
    return slow


def test_every_pattern_is_linear_on_a_50kb_token_of_every_family() -> None:
    slow = {family: _slow_patterns(_token(family, 50_000), BUDGET_50KB) for family in FAMILIES}
    assert not any(slow.values()), {family: names for family, names in slow.items() if names}


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES_1MB)
def test_every_pattern_is_linear_on_a_1mb_token(family: str) -> None:
    slow = _slow_patterns(_token(family, MB), BUDGET_1MB)
    assert not slow, f"superlinear on 1 MB of {family!r}:\n" + "\n".join(slow)


_PIECES = st.text(alphabet=st.sampled_from("aA1 .@-'()/:,\n\"#|“"), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(piece=_PIECES, prefix=st.text(max_size=20))
def test_no_pattern_backtracks_on_repeated_pieces(piece: str, prefix: str) -> None:
    """20,000 characters of a repeated short piece: each pattern within a linear budget (a
    quadratic pattern needs seconds there; a linear one a few milliseconds)."""
    text = prefix + piece * (20_000 // len(piece))
    slow = []
    for name, pattern in PATTERNS:
        started = time.perf_counter()
        pattern.search(text)
        elapsed = time.perf_counter() - started
        if elapsed > 0.25:
            slow.append(f"{name} ({elapsed:.2f} s): {pattern.pattern[:80]}")
    assert not slow, f"{piece!r} repeated:\n" + "\n".join(slow)


@pytest.mark.parametrize("family", ["letters", "capitals", "digits", "url", "at"])
def test_the_library_summarizes_an_80000_character_token_in_under_a_second(family: str) -> None:
    text = ("The council approved the new budget on Monday after a long debate. " + _token(family, 80_000)
            + " Officials said the plan would fund schools and repair roads.")
    summarizers.summarize("The council met. It voted. The budget passed.")  # imports and tables, once
    started = time.perf_counter()
    summarizers.summarize(text)
    assert time.perf_counter() - started < 1.0


def test_a_text_of_one_unbroken_megabyte_is_refused_at_once() -> None:
    """A 1 MB run without a space is no prose: refused (in a job or batch: that document's error
    entry) in well under a second of work per 80,000 characters."""
    started = time.perf_counter()
    with pytest.raises(summarizers.InvalidInput, match="no sentence"):
        summarizers.summarize(_token("letters", MB))
    assert time.perf_counter() - started < 10.0


def test_an_unbroken_run_inside_an_article_is_left_out_and_reported() -> None:
    blob = _token("letters", 5_000)
    text = ("The council approved the new budget on Monday after a long debate. "
            f"Attached: {blob} end. Officials said the plan would fund schools and repair roads.")
    result = summarizers.summarize(text, length={"sentences": 3})
    assert blob not in result.summary
    assert "Officials said the plan would fund schools" in result.summary
    assert [r.reason for r in result.input.removed if blob in r.text] == ["unbroken"]

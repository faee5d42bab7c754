"""The trigger strings derived from each boilerplate rule are necessary conditions: every text a
rule matches holds one of its triggers, and every match of an anchored rule opens with one of its
opening strings (so skipping the rule when they are absent changes nothing)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizers.text import boilerplate, signals
from summarizers.text.triggers import Gated, fold, prefix_strings, trigger_strings, unusual_digit

RULES = [(i, pattern) for i, (_, pattern, _) in enumerate(boilerplate._RULES)]
PATTERNS = [*(p for _, p in RULES), signals._SELF_REFERENCE, signals._LINKS]


@pytest.mark.slow
@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:40])
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_holds_a_trigger_and_opens_with_an_opening(pattern: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(st.from_regex(pattern))
    match = pattern.search(text)
    assert match is not None
    triggers = trigger_strings(pattern)
    if triggers is not None:
        assert any(t in fold(match.group()) for t in triggers)
    openings = prefix_strings(pattern)
    # (a text opening with a decimal digit other than 0-9 is tried against every rule)
    if openings is not None and pattern.pattern.startswith("^") and text == text.lstrip() \
            and not unusual_digit(text[:boilerplate._LONGEST_OPENING]):
        assert fold(text).startswith(tuple(openings))


def test_a_gated_search_finds_what_the_search_finds() -> None:
    gated = Gated.of(re.compile(r"\b(cookies?|tracking)\b.{0,20}\b(use|accept)\b", re.I))
    assert gated.triggers == frozenset({"cookie", "tracking"})
    assert gated.search("We set COOKIES you accept") is not None
    assert gated.search("A plain sentence about the budget.") is None


def test_rules_are_tried_in_table_order() -> None:
    # a line both an anchored and an unanchored rule match reports the earlier rule's family
    line = "Subscribe to our newsletter delivered to your inbox"
    naive = next(reason for reason, pattern, limit in boilerplate._RULES
                 if (limit is None or len(line.split()) <= limit) and pattern.search(line))
    assert boilerplate.boilerplate_reason(line) == naive

"""Checks of a config's fields, shared by every config (used in their ``__post_init__``): a
config built in code is checked like one read from the environment (:mod:`summarizers.config`),
and the error names the field, so that the reader can name the variable that set it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


class InvalidSetting(ValueError):
    """A config field out of range, raised by the configs' own checks (naming the field)."""

    def __init__(self, name: str, value: Any, allowed: str) -> None:
        super().__init__(f"{name} must be {allowed}, got {value!r}")
        self.name, self.value, self.allowed = name, value, allowed


def at_least(name: str, value: Any, low: int) -> None:
    """Refuse ``value`` unless it is a whole number ``>= low``.

    Raises:
        InvalidSetting: naming ``name``.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidSetting(name, value, f"a whole number >= {low}")


def positive(name: str, value: Any, *, zero: bool = False) -> None:
    """Refuse ``value`` unless it is a finite number of seconds above zero (or zero, if ``zero``).

    Raises:
        InvalidSetting: naming ``name``.
    """
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not zero):
        raise InvalidSetting(name, value, "zero or more seconds" if zero else "a positive number of seconds")


def one_of(name: str, value: Any, choices: Sequence[str]) -> None:
    """Refuse ``value`` unless it is one of ``choices``.

    Raises:
        InvalidSetting: naming ``name``.
    """
    if value not in choices:
        raise InvalidSetting(name, value, "one of " + ", ".join(choices))

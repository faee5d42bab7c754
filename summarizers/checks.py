"""Checks of a config's fields, shared by every config (used in their ``__post_init__``): a
config built in code is checked like one read from the environment (:mod:`summarizers.config`),
and the error names the field, so that the reader can name the variable that set it.

A field declared with :func:`whole` or :func:`seconds` carries its bound; :func:`check_fields`
checks every such field of a config, so that a bound is written once, beside its field.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import field, fields
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


def whole(default: int, *, low: int) -> Any:
    """A dataclass field: a whole number ``>= low``, ``default`` when not given (see :func:`check_fields`)."""
    return field(default=default, metadata={"at_least": low})


def seconds(default: float, *, zero: bool = False) -> Any:
    """A dataclass field: a positive number of seconds (or zero, if ``zero``), ``default`` when not given."""
    return field(default=default, metadata={"seconds": zero})


def check_fields(config: Any) -> None:
    """Check every field of the dataclass ``config`` declared with :func:`whole` or :func:`seconds`.

    Raises:
        InvalidSetting: naming the first field (in declaration order) out of its bounds.
    """
    for f in fields(config):
        if "at_least" in f.metadata:
            at_least(f.name, getattr(config, f.name), f.metadata["at_least"])
        elif "seconds" in f.metadata:
            positive(f.name, getattr(config, f.name), zero=f.metadata["seconds"])

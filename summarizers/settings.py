"""Reading settings from prefixed environment variables (``SUMMARIZE_*``), for every config."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def flag(raw: str) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off/""`` (any case) as a bool.

    Raises:
        ValueError: for anything else.
    """
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(raw)


def csv(raw: str) -> tuple[str, ...]:
    """A comma-separated list, items stripped, empty ones dropped."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def values_from_env(prefix: str, parsers: Mapping[str, Callable[[str], Any]],
                    environ: Mapping[str, str]) -> dict[str, Any]:
    """The fields of ``parsers`` whose variable ``prefix + NAME`` is set, parsed.

    Raises:
        ValueError: naming the variable, for a value its parser refuses.
    """
    values: dict[str, Any] = {}
    for name, parse in parsers.items():
        var = prefix + name.upper()
        raw = environ.get(var)
        if raw is None:
            continue
        try:
            values[name] = parse(raw)
        except ValueError:
            raise ValueError(f"{var}={raw!r} is not a valid value") from None
    return values

"""Generation settings: one ``generate`` call's settings, resolved from the model's defaults and
a request whose token options were validated once, when it was prepared. Pure, and a leaf of the
abstractive package: the backends, generation and the method import it; it imports none of them
(only :mod:`.length`'s token budget, itself a leaf), so no import cycle runs through it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from ...errors import InvalidOption
from ...types import Length
from .length import token_budget


@dataclass(frozen=True)
class GenerationSettings:
    """The settings of one ``generate`` call (hashable: documents sharing them batch together)."""

    num_beams: int
    min_new_tokens: int
    max_new_tokens: int
    length_penalty: float
    no_repeat_ngram_size: int
    early_stopping: bool | str

    def to_dict(self) -> dict[str, Any]:
        """The effective settings, as reported in the result's ``model.generation``."""
        return asdict(self)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``model.generate``: the settings, never sampling, and greedy when
        ``num_beams`` is 1 (then the beam-only settings take neutral values, so that beam-only
        defaults of the model raise no warning)."""
        out: dict[str, Any] = {**self.to_dict(), "do_sample": False}
        if self.num_beams <= 1:
            out.update(length_penalty=1.0, early_stopping=False)
        return out


def check_token_options(options: Mapping[str, Any]) -> None:
    """Cross-check ``min_new_tokens`` against ``max_new_tokens`` (each is bounded already): the
    one check of a request's token options, run when the request is prepared
    (:meth:`~.method.AbstractiveMethod.validate_options`).

    Raises:
        InvalidOption: when the minimum exceeds the maximum.
    """
    low, high = options.get("min_new_tokens"), options.get("max_new_tokens")
    if low is not None and high is not None and low > high:
        raise InvalidOption(
            f"options.min_new_tokens ({low}) must not exceed options.max_new_tokens ({high})",
            field="options.min_new_tokens", maximum=high,
        )


def resolve_settings(defaults: Mapping[str, Any], options: Mapping[str, Any], length: Length,
                     available_sentences: int, tokens_per_word: float, *, max_beams: int,
                     max_new_tokens: int) -> GenerationSettings:
    """Settings for one request: request options over the length's token budget over the
    model's own defaults, within the configured bounds. ``options`` are a prepared request's,
    validated once already (see :func:`check_token_options`); nothing here raises.
    """
    low, high = token_budget(length, available_sentences, tokens_per_word, max_new_tokens)
    asked_low, asked_high = options.get("min_new_tokens"), options.get("max_new_tokens")
    if asked_high is not None:
        high = asked_high
        low = min(low, high)
    if asked_low is not None:
        low = asked_low
        high = max(high, low)
    return GenerationSettings(
        num_beams=options.get("num_beams") or min(int(defaults.get("num_beams") or 1), max_beams),
        min_new_tokens=low,
        max_new_tokens=high,
        length_penalty=float(_first(options.get("length_penalty"), defaults.get("length_penalty"), 1.0)),
        no_repeat_ngram_size=int(_first(options.get("no_repeat_ngram_size"),
                                        defaults.get("no_repeat_ngram_size"), 0)),
        early_stopping=_first(defaults.get("early_stopping"), False),
    )


def _first(*values: Any) -> Any:
    return next(v for v in values if v is not None)


def cap_to_model(settings: GenerationSettings, limit: int | None, model: str) -> tuple[GenerationSettings, str | None]:
    """``settings`` with ``max_new_tokens`` (and ``min_new_tokens``) at most ``limit``, the most
    tokens the model's decoder can write; with a warning when they had to be lowered."""
    if limit is None or settings.max_new_tokens <= limit:
        return settings, None
    warning = (f"asked for up to {settings.max_new_tokens} new tokens; model {model!r} can write at most "
               f"{limit} (its decoder's position table), so the budget was capped at {limit}")
    return replace(settings, max_new_tokens=limit, min_new_tokens=min(settings.min_new_tokens, limit)), warning

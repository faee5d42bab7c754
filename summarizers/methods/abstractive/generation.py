"""Generation: settings resolved from the model's defaults and the request, and batched
``model.generate`` calls (preprocess → forward under ``torch.inference_mode`` → decode)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from ...deadline import check as check_deadline
from ...deadline import remaining as time_remaining
from ...errors import InvalidOption, ModelError
from ...types import Length
from .backends import generate_texts
from .length import token_budget
from .loader import LoadedModel

log = logging.getLogger(__name__)


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
        """Keyword arguments of ``model.generate`` (greedy when ``num_beams`` is 1)."""
        out: dict[str, Any] = {
            "num_beams": self.num_beams,
            "min_new_tokens": self.min_new_tokens,
            "max_new_tokens": self.max_new_tokens,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
            "do_sample": False,
        }
        if self.num_beams > 1:
            out["length_penalty"] = self.length_penalty
            out["early_stopping"] = self.early_stopping
        else:  # neutral values, so that beam-only defaults of the model raise no warning
            out["length_penalty"] = 1.0
            out["early_stopping"] = False
        return out


def check_token_options(options: Mapping[str, Any]) -> None:
    """Cross-check ``min_new_tokens`` against ``max_new_tokens`` (each is bounded already).

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
    model's own defaults, within the configured bounds.

    Raises:
        InvalidOption: ``min_new_tokens`` above ``max_new_tokens``.
    """
    check_token_options(options)
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


def generate(loaded: LoadedModel, texts: Sequence[str], settings: GenerationSettings,
             batch_size: int) -> list[str | ModelError]:
    """Summaries of ``texts`` in their order, generated in batches of similar length.

    Texts are sorted by token count so that each batch pads little. When a batch fails, its
    texts are retried one by one, so that one bad text fails alone: its slot holds the
    :class:`ModelError`.
    """
    lengths = loaded.count_tokens(texts)
    order = sorted(range(len(texts)), key=lambda i: lengths[i])
    results: list[str | ModelError] = [""] * len(texts)
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        try:
            outputs = _generate_batch(loaded, [texts[i] for i in batch], settings)
        except ModelError as exc:
            if len(batch) == 1:
                results[batch[0]] = exc
                continue
            for i in batch:
                try:
                    results[i] = _generate_batch(loaded, [texts[i]], settings)[0]
                except ModelError as single:
                    results[i] = single
            continue
        for i, out in zip(batch, outputs, strict=True):
            results[i] = out
    return results


def _generate_batch(loaded: LoadedModel, texts: Sequence[str], settings: GenerationSettings) -> list[str]:
    """One call of the model's engine. Raises ModelError for any failure of the backend.

    The traceback goes to the debug log only: callers report the one-line error (the CLI's
    stderr, the service's error envelope), and ``--debug`` shows the rest.
    """
    left = time_remaining()
    if left is not None:  # stop generating at the caller's deadline (checked once per new token)
        check_deadline()
    try:
        texts_out = generate_texts(loaded.engine, loaded.tokenizer, [loaded.prefix + t for t in texts], settings,
                                   loaded.max_input_tokens, max_time=left)
    except Exception as exc:
        log.debug("generation failed with model %s", loaded.spec.name, exc_info=True)
        raise ModelError(f"model {loaded.spec.name!r} failed while generating ({loaded.backend}): "
                         f"{type(exc).__name__}: {_first_line(exc)}", model=loaded.spec.name) from exc
    check_deadline()  # generation cut short by max_time is a timeout, never a truncated summary
    return texts_out


def cap_to_model(settings: GenerationSettings, limit: int | None, model: str) -> tuple[GenerationSettings, str | None]:
    """``settings`` with ``max_new_tokens`` (and ``min_new_tokens``) at most ``limit``, the most
    tokens the model's decoder can write; with a warning when they had to be lowered."""
    if limit is None or settings.max_new_tokens <= limit:
        return settings, None
    warning = (f"asked for up to {settings.max_new_tokens} new tokens; model {model!r} can write at most "
               f"{limit} (its decoder's position table), so the budget was capped at {limit}")
    return replace(settings, max_new_tokens=limit, min_new_tokens=min(settings.min_new_tokens, limit)), warning


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "no details"

"""Generation: batched ``model.generate`` calls (preprocess → forward under
``torch.inference_mode`` → decode) with settings from :mod:`.generation_settings`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ...deadline import check as check_deadline
from ...deadline import remaining as time_remaining
from ...errors import ModelError
from .backends import generate_texts
from .generation_settings import GenerationSettings
from .loader import LoadedModel

log = logging.getLogger(__name__)


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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "no details"

"""What runs a loaded model: ``transformers`` (``model.generate`` under torch) or CTranslate2.

Both engines take the same inputs (texts already prefixed, the model's tokenizer, one
:class:`~.generation_settings.GenerationSettings`) and give decoded summaries, so everything around them
(plans, batching, trimming, the result) is shared. Each raises whatever its library raises; the
caller turns that into a :class:`~summarizers.errors.ModelError`.

Mapping of the settings onto CTranslate2's ``translate_batch``:

* the model's ``forced_bos_token_id`` (BART) becomes a one-token ``target_prefix``; the prefix
  counts in ``max_decoding_length``, as the forced token counts in ``max_new_tokens``;
* the model's ``forced_eos_token_id`` (BART: the last token is ``</s>`` when the budget runs
  out) is matched by stopping one token earlier (the end token is not part of the text);
* beams, ``min_new_tokens``, ``max_new_tokens``, ``length_penalty`` and
  ``no_repeat_ngram_size`` map one to one; the input is truncated by the tokenizer, as for
  transformers (``max_input_length=0``).

Greedy decoding gives the same tokens as transformers (tested, float32 weights); so does beam
search without n-gram blocking. With ``no_repeat_ngram_size`` and beams, CTranslate2 blocks
n-grams per hypothesis at a different point of the search, so beam outputs may differ (both
still never repeat an n-gram; tested). int8 weights change the numbers slightly, hence tokens.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .generation_settings import GenerationSettings

BACKEND_NAMES = ("transformers", "ctranslate2")


class Backend(Protocol):
    """Generates summaries of already prefixed texts with one loaded model."""

    name: str

    def generate_ids(self, tokenizer: Any, texts: Sequence[str], settings: GenerationSettings,
                     max_input_tokens: int, max_time: float | None = None) -> list[list[int]]:
        """The token ids written for each of ``texts``, in order; raises on any failure.
        ``max_time`` (seconds) stops generating early where the backend can (see each)."""
        ...


def generate_texts(engine: Backend, tokenizer: Any, texts: Sequence[str], settings: GenerationSettings,
                   max_input_tokens: int, max_time: float | None = None) -> list[str]:
    """Decoded summaries of ``texts`` (stripped, special tokens removed), in order."""
    ids = engine.generate_ids(tokenizer, texts, settings, max_input_tokens, max_time)
    return [t.strip() for t in tokenizer.batch_decode(ids, skip_special_tokens=True)]


class TransformersBackend:
    """``model.generate`` under ``torch.inference_mode`` on the model's device."""

    name = "transformers"

    def __init__(self, model: Any, device: str) -> None:
        self.model = model
        self.device = device

    def generate_ids(self, tokenizer: Any, texts: Sequence[str], settings: GenerationSettings,
                     max_input_tokens: int, max_time: float | None = None) -> list[list[int]]:
        """One padded batch through ``model.generate`` (rows keep the start and pad tokens);
        ``max_time`` is passed on (checked once per new token)."""
        import torch

        encoded = tokenizer(list(texts), padding=True, truncation=True, max_length=max_input_tokens,
                            return_tensors="pt").to(self.device)
        kwargs = settings.kwargs()
        if max_time is not None:
            kwargs["max_time"] = max_time
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"], **kwargs
            )
        return output.tolist()


class CTranslate2Backend:
    """A ``ctranslate2.Translator`` over a converted model, with the model's vocabulary.

    Args:
        translator: the loaded translator.
        vocabulary: the converted model's tokens in id order (as written at conversion).
        forced_bos: the token id the model must start with, or ``None``.
        forced_eos: whether the model's last token is forced to be the end token when the
            budget runs out.
    """

    name = "ctranslate2"

    def __init__(self, translator: Any, vocabulary: Sequence[str], *, forced_bos: int | None,
                 forced_eos: bool) -> None:
        self.translator = translator
        self.vocabulary = list(vocabulary)
        self.index = {token: i for i, token in enumerate(self.vocabulary)}
        self.prefix = [self.vocabulary[forced_bos]] if forced_bos is not None else None
        self.forced_eos = forced_eos

    def options(self, settings: GenerationSettings) -> dict[str, Any]:
        """Keyword arguments of ``translate_batch`` for ``settings`` (see the module notes)."""
        high = settings.max_new_tokens - (1 if self.forced_eos and settings.max_new_tokens > 1 else 0)
        return {
            "beam_size": settings.num_beams,
            "min_decoding_length": min(settings.min_new_tokens, high),
            "max_decoding_length": high,
            "length_penalty": settings.length_penalty if settings.num_beams > 1 else 1.0,
            "no_repeat_ngram_size": settings.no_repeat_ngram_size,
            "max_input_length": 0,
            "return_end_token": False,
        }

    def generate_ids(self, tokenizer: Any, texts: Sequence[str], settings: GenerationSettings,
                     max_input_tokens: int, max_time: float | None = None) -> list[list[int]]:
        """One batch through ``translate_batch``; tokens are mapped by id both ways.
        ``max_time`` stops greedy decoding (a per-token callback); beam search runs to its end."""
        ids = tokenizer(list(texts), truncation=True, max_length=max_input_tokens)["input_ids"]
        source = [[self.vocabulary[i] for i in row] for row in ids]
        prefix = [self.prefix] * len(source) if self.prefix else None
        options = self.options(settings)
        if max_time is not None and settings.num_beams == 1:
            stop_at = time.monotonic() + max_time
            options["callback"] = lambda _step: time.monotonic() >= stop_at
        results = self.translator.translate_batch(source, target_prefix=prefix, **options)
        return [[self.index[t] for t in r.hypotheses[0]] for r in results]


def load_ctranslate2(path: Path, device: str, threads: int | None, generation: Any) -> tuple[CTranslate2Backend, str]:
    """A :class:`CTranslate2Backend` for the converted model in ``path``; with its compute type.

    Args:
        path: a directory written by :func:`~.convert.convert`.
        device: ``cpu``, ``cuda`` or ``cuda:N``.
        threads: intra-op threads, or ``None`` for CTranslate2's default.
        generation: the model's ``GenerationConfig`` (forced first and last tokens).

    Raises:
        whatever ``ctranslate2`` raises for an unreadable model.
    """
    import ctranslate2

    kind, _, index = device.partition(":")
    translator = ctranslate2.Translator(str(path), device=kind, device_index=int(index or 0),
                                        compute_type="default", intra_threads=threads or 0)
    vocabulary = _read_vocabulary(path)
    forced_bos = getattr(generation, "forced_bos_token_id", None)
    forced_eos = getattr(generation, "forced_eos_token_id", None) is not None
    engine = CTranslate2Backend(translator, vocabulary, forced_bos=forced_bos, forced_eos=forced_eos)
    return engine, str(translator.compute_type)


def _read_vocabulary(path: Path) -> list[str]:
    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        if (path / name).is_file():
            return json.loads((path / name).read_text(encoding="utf-8"))
    for name in ("shared_vocabulary.txt", "target_vocabulary.txt"):
        if (path / name).is_file():
            return (path / name).read_text(encoding="utf-8").split("\n")[:-1]
    raise FileNotFoundError(f"no vocabulary in {path}")

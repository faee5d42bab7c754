"""Configuration of the abstractive method: the named models and the bounds on requests.

Models are configured, never taken from requests: a request may only name one of the models
in :attr:`AbstractiveConfig.models`. The variables below are read, once, by
:func:`summarizers.config.read_abstractive` (pure: give it a mapping in tests):

=================================  ==========================================================
``SUMMARIZE_ABSTRACTIVE_MODEL``    the default model: a configured name, a hub id or a local
                                   directory (default ``distilbart-cnn-12-6``)
``SUMMARIZE_MODELS``               more named models: JSON ``{"name": "source"}`` (or
                                   ``{"name": {"source": ..., "prefix": ..., "backend": ...}}``), or
                                   ``name=source,name=source``
``SUMMARIZE_BACKEND``              the default backend of every model: ``auto`` (CTranslate2 on
                                   CPU when the model was converted, else transformers),
                                   ``transformers``, ``ctranslate2`` (a model's own ``backend``
                                   in ``SUMMARIZE_MODELS`` wins)
``SUMMARIZE_CT2_QUANTIZATION``     weights of converted models: ``int8`` (default),
                                   ``int8_float32``, ``float32``, ``int8_float16``, ``float16``
``SUMMARIZE_CT2_DIR``              where converted models go (default: ``ctranslate2`` beside
                                   the Hugging Face cache, in ``HF_HOME``)
``SUMMARIZE_DEVICE``               ``auto`` (CUDA when present, else CPU), ``cpu``, ``cuda``,
                                   ``cuda:N``
``SUMMARIZE_DTYPE``                ``auto`` (float32 on CPU, float16 on CUDA), ``float32``,
                                   ``float16``, ``bfloat16``
``SUMMARIZE_TORCH_THREADS``        intra-op threads of torch and CTranslate2 (default: their own
                                   choice)
``SUMMARIZE_ABSTRACTIVE_BATCH``    documents per ``generate`` call in batches (default 4)
``SUMMARIZE_MAX_BEAMS``            upper bound of ``num_beams`` (default 8)
``SUMMARIZE_MAX_NEW_TOKENS``       upper bound of ``max_new_tokens`` (default 512)
``SUMMARIZE_MAX_INPUT_TOKENS``     cap on the model's input length (default: the model's own)
``SUMMARIZE_EXTRACT_METHOD``       extractive method of the ``extract`` policy (default
                                   ``textrank``)
=================================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...checks import InvalidSetting, at_least, one_of
from ...errors import InvalidOption

#: The long-input policies, in the order they are documented; ``extract`` is the default.
LONG_INPUT_POLICIES = ("extract", "chunk", "truncate")
DEFAULT_LONG_INPUT = "extract"

DEFAULT_MODEL = "distilbart-cnn-12-6"

#: Models known by name out of the box (hub ids; nothing is fetched until asked).
BUILTIN_MODELS: Mapping[str, str] = {
    "distilbart-cnn-12-6": "sshleifer/distilbart-cnn-12-6",
    "bart-large-cnn": "facebook/bart-large-cnn",
    "pegasus-cnn_dailymail": "google/pegasus-cnn_dailymail",
    "t5-small": "google-t5/t5-small",
}

DEVICES = ("auto", "cpu", "cuda")
BACKENDS = ("auto", "transformers", "ctranslate2")
#: CTranslate2 weight types a model may be converted to.
QUANTIZATIONS = ("int8", "int8_float32", "float32", "int8_float16", "float16", "int8_bfloat16", "bfloat16")
DTYPES = ("auto", "float32", "float16", "bfloat16")


@dataclass(frozen=True)
class ModelSpec:
    """One configured model.

    Attributes:
        name: the name requests use (``options.model``).
        source: a hub id (``org/name``) or a local directory.
        prefix: the task prefix put before the input (``"summarize: "`` for T5); ``None``
            lets the loader take it from the model's own configuration.
        backend: what runs it: ``transformers``, ``ctranslate2`` or ``auto``; ``None`` takes
            the configuration's default backend.
    """

    name: str
    source: str
    prefix: str | None = None
    backend: str | None = None

    def __post_init__(self) -> None:
        if self.backend is not None and self.backend not in BACKENDS:
            raise ValueError(f"model {self.name!r}: backend must be one of {', '.join(BACKENDS)}, "
                             f"got {self.backend!r}")

    @property
    def is_local(self) -> bool:
        """Whether ``source`` names a directory rather than a hub id."""
        return looks_like_path(self.source)

    @property
    def local_path(self) -> Path:
        """``source`` as a path (``~`` expanded)."""
        return Path(self.source).expanduser()


def builtin_specs() -> dict[str, ModelSpec]:
    """A new mapping of the built-in models by name."""
    return {n: ModelSpec(n, s) for n, s in BUILTIN_MODELS.items()}


def looks_like_path(source: str) -> bool:
    """Whether ``source`` is a local directory: an existing one, or written as a path."""
    if source.startswith(("/", "./", "../", "~", "\\")) or (len(source) > 1 and source[1] == ":"):
        return True
    return Path(source).expanduser().is_dir()


@dataclass(frozen=True)
class AbstractiveConfig:
    """Models, placement and bounds of the abstractive method.

    Attributes:
        models: the configured models by name; ``default``: the name used without
            ``options.model``.
        device, dtype: where and in what precision models run (see the module table).
        torch_threads: torch's intra-op thread count, or ``None`` to leave it alone.
        batch_size: documents per ``generate`` call.
        max_beams, max_new_tokens: upper bounds of the matching request options.
        max_input_tokens: a cap on the model's own maximum input length, or ``None``.
        extract_method: the registered extractive method that ranks sentences for the
            ``extract`` policy.
        backend: the backend of models that do not name one (``auto``, ``transformers``,
            ``ctranslate2``).
        ct2_quantization: the weight type models are converted to for CTranslate2.
        ct2_dir: where converted models live, or ``None`` for ``$HF_HOME/ctranslate2``.
    """

    models: Mapping[str, ModelSpec] = field(default_factory=lambda: builtin_specs())
    default: str = DEFAULT_MODEL
    device: str = "auto"
    dtype: str = "auto"
    torch_threads: int | None = None
    batch_size: int = 4
    max_beams: int = 8
    max_new_tokens: int = 512
    max_input_tokens: int | None = None
    extract_method: str = "textrank"
    backend: str = "auto"
    ct2_quantization: str = "int8"
    ct2_dir: str | None = None

    def __post_init__(self) -> None:
        one_of("backend", self.backend, BACKENDS)
        one_of("ct2_quantization", self.ct2_quantization, QUANTIZATIONS)
        if self.default not in self.models:
            raise InvalidSetting("default", self.default, "one of the configured models")
        if not self.device.startswith("cuda:"):
            one_of("device", self.device, (*DEVICES, "cuda:N"))
        one_of("dtype", self.dtype, DTYPES)
        for name in ("batch_size", "max_beams", "max_new_tokens"):
            at_least(name, getattr(self, name), 1)
        if self.torch_threads is not None:
            at_least("torch_threads", self.torch_threads, 1)
        if self.max_input_tokens is not None:
            at_least("max_input_tokens", self.max_input_tokens, 16)

    @classmethod
    def with_default(cls, source: str, **kwargs: Any) -> AbstractiveConfig:
        """A configuration whose default model is ``source`` (a name, hub id or directory)."""
        models = dict(kwargs.pop("models", None) or builtin_specs())
        name = add_source(models, source)
        return cls(models=models, default=name, **kwargs)

    def backend_of(self, spec: ModelSpec) -> str:
        """The backend configured for ``spec``: its own, else the default (maybe ``auto``)."""
        return spec.backend or self.backend

    def spec(self, name: str | None) -> ModelSpec:
        """The model called ``name`` (the default when ``None``).

        Raises:
            InvalidOption: for a name that is not configured.
        """
        key = self.default if name is None else name
        try:
            return self.models[key]
        except KeyError:
            raise InvalidOption(
                f"options.model must be one of {', '.join(self.models)}, got {name!r}",
                field="options.model", choices=list(self.models),
            ) from None


def add_source(models: dict[str, ModelSpec], source: str) -> str:
    """The name of ``source`` among ``models``, adding it under a derived name if new."""
    if source in models:
        return source
    for spec in models.values():
        if spec.source == source:
            return spec.name
    name = Path(source.rstrip("/\\")).name or source
    models[name] = ModelSpec(name, source)
    return name

"""Finding and loading seq2seq models: cheap presence checks, lazy thread-safe loading.

Nothing here downloads at request time: :meth:`ModelLoader.load` passes
``local_files_only=True`` to ``from_pretrained``. Only :func:`download` (the ``summarize
models download`` command) touches the network. ``torch`` and ``transformers`` are imported
inside the functions that need them, so importing this module stays cheap.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import MethodUnavailable, ModelError, ModelMissing
from .backends import TransformersBackend, load_ctranslate2
from .config import AbstractiveConfig, ModelSpec
from .convert import converted_dir, ctranslate2_installed, is_converted
from .presence import absent_reason, is_present

log = logging.getLogger(__name__)

#: Files never needed to run a model with torch (skipped by :func:`download`).
SKIPPED_DOWNLOADS = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "onnx/*", "*.tflite", "coreml/*", "*.mlmodel"]
#: Input length used when a model states none (T5's relative positions).
FALLBACK_MAX_INPUT = 512
#: A tokenizer ``model_max_length`` above this is transformers' "no limit" placeholder.
_UNSET_MAX_LENGTH = 1_000_000
#: Task prefixes by model type, for models whose configuration does not state one.
TYPE_PREFIXES = {"t5": "summarize: ", "mt5": "summarize: ", "umt5": "summarize: "}
#: Generation settings a request may override, read from the model's generation config.
GENERATION_KEYS = ("num_beams", "length_penalty", "no_repeat_ngram_size", "early_stopping",
                   "min_length", "max_length")
#: Sample English used to measure a tokenizer's tokens per word (for word budgets).
_SAMPLE = (
    "The government announced on Tuesday that it would raise spending on schools and hospitals "
    "next year, after months of pressure from opposition parties. Officials said the plan, worth "
    "about $4.5bn, would be paid for by higher taxes on tobacco and alcohol. Critics warned that "
    "the figures did not add up and that families would end up paying more."
)
_SAMPLE_WORDS = 55


def missing_packages() -> list[str]:
    """The packages the abstractive method needs that are not installed (no import done)."""
    return [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]


@dataclass
class LoadedModel:
    """A model ready to generate: tokenizer, engine and what the method needs to know of them.

    Attributes:
        spec: the configured model.
        tokenizer: the ``transformers`` tokenizer (both backends).
        model: the ``transformers`` model (``None`` with the ctranslate2 backend).
        architecture: the model's class name (``BartForConditionalGeneration``...).
        device, dtype: where it runs, in what precision (as strings; for ctranslate2 the
            compute type, ``int8``...).
        max_input_tokens: the longest input the model takes, special tokens included.
        prefix: the task prefix put before every input.
        defaults: the model's own generation settings (:data:`GENERATION_KEYS`).
        tokens_per_word: the tokenizer's tokens per English word, measured once.
        special_tokens: tokens the tokenizer adds around an input.
        load_seconds: how long loading took.
        backend: ``transformers`` or ``ctranslate2``.
        engine: what generates (:mod:`.backends`); a :class:`TransformersBackend` over
            ``model`` when not given.
        max_new_tokens: the most tokens the decoder can write (its position table), or
            ``None`` when it has no fixed table (T5's relative positions).
    """

    spec: ModelSpec
    tokenizer: Any
    model: Any
    architecture: str
    device: str
    dtype: str
    max_input_tokens: int
    prefix: str
    defaults: Mapping[str, Any]
    tokens_per_word: float
    special_tokens: int
    load_seconds: float
    backend: str = "transformers"
    engine: Any = None
    max_new_tokens: int | None = None

    def __post_init__(self) -> None:
        if self.engine is None:
            self.engine = TransformersBackend(self.model, self.device)

    @property
    def content_budget(self) -> int:
        """Tokens of document text that fit in one input (prefix and special tokens excluded)."""
        prefix = self.count_tokens([self.prefix])[0] if self.prefix else 0
        return max(8, self.max_input_tokens - self.special_tokens - prefix)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens of each text without special tokens (fast path through ``tokenizers``)."""
        if not texts:
            return []
        backend = getattr(self.tokenizer, "backend_tokenizer", None)
        if backend is not None:
            return [len(e.ids) for e in backend.encode_batch(list(texts), add_special_tokens=False)]
        return [len(ids) for ids in self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]]


class ModelLoader:
    """Loads each configured model once per process, on first use; thread-safe.

    Args:
        config: placement (device, dtype, threads) and input cap.
        load_fn: ``(spec, config) -> LoadedModel``; :func:`load_model` unless injected.
    """

    def __init__(self, config: AbstractiveConfig,
                 load_fn: Callable[[ModelSpec, AbstractiveConfig], LoadedModel] | None = None) -> None:
        self._config = config
        self._load_fn = load_fn or load_model
        self._models: dict[str, LoadedModel] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, spec: ModelSpec) -> LoadedModel:
        """The loaded model for ``spec``, loading it the first time (one thread loads).

        Raises:
            MethodUnavailable: the model or a package is absent here (with the fix).
            ModelError: the files are there but the model cannot be loaded.
        """
        loaded = self._models.get(spec.name)
        if loaded is not None:
            return loaded
        with self._guard:
            lock = self._locks.setdefault(spec.name, threading.Lock())
        with lock:
            loaded = self._models.get(spec.name)
            if loaded is None:
                loaded = self._load_fn(spec, self._config)
                self._models[spec.name] = loaded
            return loaded

    def loaded(self) -> dict[str, LoadedModel]:
        """The models loaded so far, by name."""
        return dict(self._models)


def load_model(spec: ModelSpec, config: AbstractiveConfig) -> LoadedModel:
    """Load ``spec`` from a local directory or the local cache, never from the network.

    Raises:
        MethodUnavailable: torch/transformers missing, or the model is not on this machine.
        ModelError: the files are there but cannot be loaded.
    """
    missing = missing_packages()
    if missing:
        raise MethodUnavailable(
            f"method 'abstractive' needs {' and '.join(missing)}",
            reason=f"{' and '.join(missing)} not installed", fix="pip install 'summarizers[abstractive]'",
        )
    if not is_present(spec):
        reason, fix = absent_reason(spec)
        raise ModelMissing(f"{reason}; fix: {fix} ({ModelMissing.OTHER_FIX})", reason=reason, fix=fix,
                           field="options.model", model=spec.name)
    import torch
    from transformers import AutoConfig, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    if config.torch_threads:
        torch.set_num_threads(config.torch_threads)
    device = resolve_device(config.device, torch.cuda.is_available())
    backend = choose_backend(spec, config, device)
    started = time.perf_counter()
    try:
        tokenizer = AutoTokenizer.from_pretrained(spec.source, local_files_only=True)
        model_config = AutoConfig.from_pretrained(spec.source, local_files_only=True)
        if backend == "ctranslate2":
            model = None
            generation = _generation_config(spec, model_config)
            path = converted_dir(spec, config)
            engine, dtype_name = load_ctranslate2(path, device, config.torch_threads, generation)
            architecture = (getattr(model_config, "architectures", None) or [model_config.model_type])[0]
        else:
            model, dtype_name = _load_transformers(spec, config, device)
            generation = model.generation_config
            engine = TransformersBackend(model, device)
            architecture = type(model).__name__
    except (OSError, ValueError, KeyError, RuntimeError, ImportError) as exc:
        raise ModelError(f"could not load model {spec.name!r} from {spec.source} ({backend}): {exc}",
                         model=spec.name) from exc
    defaults = _take_generation_defaults(generation)
    tokenizer.model_max_length = _max_input(tokenizer, model_config, config)
    special = len(tokenizer("x")["input_ids"]) - len(tokenizer("x", add_special_tokens=False)["input_ids"])
    loaded = LoadedModel(
        spec=spec, tokenizer=tokenizer, model=model, architecture=architecture,
        device=device, dtype=dtype_name, max_input_tokens=tokenizer.model_max_length,
        prefix=_prefix(spec, model_config), defaults=defaults, tokens_per_word=1.0, special_tokens=special,
        load_seconds=0.0, backend=backend, engine=engine, max_new_tokens=decoder_limit(model_config),
    )
    loaded.tokens_per_word = max(1.0, loaded.count_tokens([_SAMPLE])[0] / _SAMPLE_WORDS)
    loaded.load_seconds = time.perf_counter() - started
    log.info("loaded model %s from %s with %s on %s (%s) in %.2fs", spec.name, spec.source, backend, device,
             dtype_name, loaded.load_seconds)
    return loaded


def choose_backend(spec: ModelSpec, config: AbstractiveConfig, device: str) -> str:
    """The backend that runs ``spec``: its configured one; ``auto`` takes ctranslate2 on CPU
    when it is installed and the model was converted, else transformers.

    Raises:
        MethodUnavailable: ``ctranslate2`` asked for, but not installed or not converted.
    """
    wanted = config.backend_of(spec)
    if wanted == "transformers":
        return wanted
    usable = ctranslate2_installed() and is_converted(spec, config)
    if wanted == "auto":
        return "ctranslate2" if usable and device == "cpu" else "transformers"
    if not ctranslate2_installed():
        raise MethodUnavailable(
            f"model {spec.name!r} is configured for ctranslate2, which is not installed",
            reason="ctranslate2 not installed", fix="pip install 'summarizers[ctranslate2]'", field="options.model")
    if not usable:
        fix = f"summarize models convert {spec.name}"
        reason = f"model {spec.name!r} has no CTranslate2 conversion ({config.ct2_quantization}) here"
        raise MethodUnavailable(f"{reason}; fix: {fix}", reason=reason, fix=fix, field="options.model")
    return wanted


def decoder_limit(model_config: Any) -> int | None:
    """The most new tokens the decoder can write: its position table less the start token;
    ``None`` for relative positions (T5), which have no table."""
    positions = getattr(model_config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 1:
        return positions - 1
    return None


def _load_transformers(spec: ModelSpec, config: AbstractiveConfig, device: str) -> tuple[Any, str]:
    import torch
    from transformers import AutoModelForSeq2SeqLM

    dtype_name = resolve_dtype(config.dtype, device)
    model = AutoModelForSeq2SeqLM.from_pretrained(spec.source, local_files_only=True,
                                                  dtype=getattr(torch, dtype_name))
    model.to(device)
    model.eval()
    return model, dtype_name


def _generation_config(spec: ModelSpec, model_config: Any) -> Any:
    """The model's ``GenerationConfig`` without loading its weights."""
    from transformers import GenerationConfig

    try:
        return GenerationConfig.from_pretrained(spec.source, local_files_only=True)
    except OSError:
        return GenerationConfig.from_model_config(model_config)


def resolve_device(device: str, cuda_available: bool) -> str:
    """The torch device for the configured ``device`` (``auto``: CUDA when present)."""
    if device == "auto":
        return "cuda" if cuda_available else "cpu"
    return device


def resolve_dtype(dtype: str, device: str) -> str:
    """The torch dtype name for the configured ``dtype`` (``auto``: float16 on CUDA)."""
    if dtype == "auto":
        return "float16" if device.startswith("cuda") else "float32"
    return dtype


def _take_generation_defaults(gc: Any) -> dict[str, Any]:
    """The model's generation settings; its min/max length are cleared from the generation
    config since every call passes token budgets (``*_new_tokens``) instead."""
    defaults = {k: getattr(gc, k, None) for k in GENERATION_KEYS}
    gc.min_length = None
    gc.max_length = None
    return {k: v for k, v in defaults.items() if v is not None}


def _max_input(tokenizer: Any, model_config: Any, config: AbstractiveConfig) -> int:
    limits = [getattr(model_config, "max_position_embeddings", None)]
    tok_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_max, int) and tok_max < _UNSET_MAX_LENGTH:
        limits.append(tok_max)
    found = [x for x in limits if isinstance(x, int) and x > 0]
    value = min(found) if found else FALLBACK_MAX_INPUT
    return min(value, config.max_input_tokens) if config.max_input_tokens else value


def _prefix(spec: ModelSpec, model_config: Any) -> str:
    if spec.prefix is not None:
        return spec.prefix
    params = getattr(model_config, "task_specific_params", None) or {}
    prefix = (params.get("summarization") or {}).get("prefix")
    if isinstance(prefix, str):
        return prefix
    return TYPE_PREFIXES.get(getattr(model_config, "model_type", ""), "")


def download(spec: ModelSpec) -> str:
    """Fetch ``spec`` from the Hugging Face hub into the local cache; returns the snapshot path.

    Takes the safetensors weights when the repository has them, else the PyTorch ones; never
    the TensorFlow, Flax or ONNX files.

    Raises:
        ModelError: the model cannot be fetched (no network, ``HF_HUB_OFFLINE=1``, unknown id),
            or ``spec`` is a local directory without a model.
    """
    if spec.is_local:
        if is_present(spec):
            return str(spec.local_path)
        raise ModelError(f"model {spec.name!r} is the local directory {spec.source}, which holds no "
                         "model; nothing can be downloaded for it", model=spec.name)
    try:
        from huggingface_hub import HfApi, snapshot_download
    except ImportError:
        raise ModelError("huggingface_hub is not installed; run: pip install 'summarizers[abstractive]'",
                         model=spec.name) from None
    try:
        files = HfApi().list_repo_files(spec.source)
        ignore = list(SKIPPED_DOWNLOADS)
        if any(f.endswith(".safetensors") for f in files):
            ignore.append("*.bin")
        return snapshot_download(spec.source, ignore_patterns=ignore, etag_timeout=10)
    except Exception as exc:
        raise ModelError(
            f"could not download model {spec.name!r} ({spec.source}) from the Hugging Face hub: "
            f"{type(exc).__name__}: {_first_line(exc)} (no network, or HF_HUB_OFFLINE=1 is set?)",
            model=spec.name,
        ) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "no details"

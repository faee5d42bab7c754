"""Converting configured models for CTranslate2, and finding the converted copies.

A model is converted once (``summarize models convert NAME``, or by ``summarize models
download NAME``) with CTranslate2's own :class:`~ctranslate2.converters.TransformersConverter`
into a directory beside the Hugging Face cache::

    $SUMMARIZE_CT2_DIR (default $HF_HOME/ctranslate2)/
        hub--sshleifer--distilbart-cnn-12-6--<commit>/int8/   model.bin, config.json, vocabulary
        local--my-bart--<hash of the path>/int8/

Two traps of the converter are handled here:

* its BART/PEGASUS loader reads ``normalize_before`` (and the model reads
  ``add_final_layer_norm``, ``scale_embedding``), which transformers 5 configs may omit: the
  values the architecture implies are set before converting (:data:`IMPLIED_CONFIG`);
* the converted vocabulary must have exactly the model's ``vocab_size`` entries, in id order:
  it is written from the tokenizer, id by id, with placeholders for ids the tokenizer lacks
  and without the tokenizer's tokens beyond the model's table (:func:`vocabulary_of`).

Importing this module is cheap; ``ctranslate2``, ``torch`` and ``transformers`` are imported
only to convert.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...errors import MethodUnavailable, ModelError
from .config import AbstractiveConfig, ModelSpec
from .presence import absent_reason, is_present

log = logging.getLogger(__name__)

#: Config values the architectures imply, set only where a config lacks them.
IMPLIED_CONFIG: Mapping[str, Mapping[str, Any]] = {
    "bart": {"normalize_before": False, "add_final_layer_norm": False, "scale_embedding": False,
             "normalize_embedding": True},
    "mbart": {"normalize_before": True, "add_final_layer_norm": True, "scale_embedding": False,
              "normalize_embedding": True},
    "pegasus": {"normalize_before": True, "add_final_layer_norm": True, "scale_embedding": True,
                "normalize_embedding": False},
}
#: Written into each converted directory: what it was converted from.
MARKER = "summarizers.json"
#: Files that make a converted directory usable.
CONVERTED_FILES = ("model.bin", "config.json", MARKER)


def ctranslate2_installed() -> bool:
    """Whether the ``ctranslate2`` package is installed (no import done)."""
    return importlib.util.find_spec("ctranslate2") is not None


def ct2_root(config: AbstractiveConfig) -> Path:
    """The directory of converted models: ``SUMMARIZE_CT2_DIR`` or ``$HF_HOME/ctranslate2``."""
    if config.ct2_dir:
        return Path(config.ct2_dir).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "huggingface")
    return Path(home).expanduser() / "ctranslate2"


def source_key(spec: ModelSpec) -> str | None:
    """A directory name for ``spec``'s current weights: the hub id and snapshot commit, or the
    local directory's name and a hash of its absolute path; ``None`` when the model is absent."""
    if spec.is_local:
        path = spec.local_path.resolve()
        digest = hashlib.sha1(str(path).encode()).hexdigest()[:12]
        return f"local--{path.name}--{digest}"
    try:
        from huggingface_hub import try_to_load_from_cache
        found = try_to_load_from_cache(spec.source, "config.json")
    except Exception:
        return None
    if not isinstance(found, str):
        return None
    commit = Path(found).parent.name
    return "hub--" + spec.source.replace("/", "--") + f"--{commit}"


def converted_dir(spec: ModelSpec, config: AbstractiveConfig) -> Path | None:
    """Where ``spec``'s converted copy lives (or would), or ``None`` when it cannot be known."""
    key = source_key(spec)
    return None if key is None else ct2_root(config) / key / config.ct2_quantization


def is_converted(spec: ModelSpec, config: AbstractiveConfig) -> bool:
    """Whether a converted copy of ``spec``'s current weights exists (cheap: file checks)."""
    path = converted_dir(spec, config)
    return path is not None and all((path / f).is_file() for f in CONVERTED_FILES)


def vocabulary_of(tokenizer: Any, size: int) -> list[str]:
    """The tokenizer's tokens in id order, exactly ``size`` of them.

    Ids the tokenizer does not have get unique placeholders (``<ct2_unused_ID>``); tokens with
    ids at or beyond ``size`` are left out (the model cannot produce them).
    """
    by_id: dict[int, str] = {}
    for token, index in tokenizer.get_vocab().items():
        if 0 <= index < size:
            by_id.setdefault(index, token)
    return [by_id.get(i, f"<ct2_unused_{i}>") for i in range(size)]


def complete_config(config: Any) -> dict[str, Any]:
    """Set on ``config`` the values its architecture implies that it lacks; returns them."""
    implied = IMPLIED_CONFIG.get(getattr(config, "model_type", ""), {})
    added = {}
    for name, value in implied.items():
        if not _has(config, name):
            setattr(config, name, value)
            added[name] = value
    return added


def _has(config: Any, name: str) -> bool:
    try:
        getattr(config, name)
    except AttributeError:
        return False
    return name in config.to_dict() or hasattr(type(config), name)


def convert(spec: ModelSpec, config: AbstractiveConfig, *, quantization: str | None = None,
            force: bool = False) -> Path:
    """Convert ``spec`` (already on this machine) for CTranslate2; returns the directory.

    Written to a temporary directory and renamed into place, so that a reader never sees a
    half-written model. Does nothing when the converted copy exists (unless ``force``).

    Raises:
        MethodUnavailable: ctranslate2 is not installed, or the model is not on this machine.
        ModelError: the conversion failed (an architecture CTranslate2 does not support...).
    """
    if quantization is not None and quantization != config.ct2_quantization:
        config = replace(config, ct2_quantization=quantization)
    if not ctranslate2_installed():
        raise MethodUnavailable("converting needs ctranslate2; run: pip install 'summarizers[ctranslate2]'",
                                reason="ctranslate2 not installed", fix="pip install 'summarizers[ctranslate2]'")
    if not is_present(spec):
        reason, fix = absent_reason(spec)
        raise MethodUnavailable(f"{reason}; fix: {fix}", reason=reason, fix=fix)
    target = converted_dir(spec, config)
    if target is None:  # present but not resolvable: should not happen
        raise ModelError(f"cannot locate model {spec.name!r} in the cache", model=spec.name)
    if not force and is_converted(spec, config):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        details = _run_converter(spec, work / "model", config.ct2_quantization)
        (work / "model" / MARKER).write_text(json.dumps(
            {"name": spec.name, "source": spec.source, "quantization": config.ct2_quantization, **details},
            indent=2) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(work / "model", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("converted model %s to %s (%s)", spec.name, target, config.ct2_quantization)
    return target


def _run_converter(spec: ModelSpec, output: Path, quantization: str) -> dict[str, Any]:
    """Run CTranslate2's converter with the two fixes; returns what was patched."""
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    source = str(spec.local_path) if spec.is_local else _snapshot(spec.source)
    patched: dict[str, Any] = {}

    class _Converter(TransformersConverter):
        """The stock converter, offline, with implied config values and the model's vocabulary."""

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = model_class.from_pretrained(model_name_or_path, local_files_only=True, **kwargs)
            patched["config"] = complete_config(model.config)
            patched["vocab_size"] = int(model.config.vocab_size)
            return model

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            tokenizer = tokenizer_class.from_pretrained(model_name_or_path, local_files_only=True, **kwargs)
            return _FixedVocabulary(tokenizer, patched["vocab_size"])

    try:
        converter = _Converter(source)
        converter.convert(str(output), quantization=quantization, force=True)
    except (ImportError, MethodUnavailable):
        raise
    except Exception as exc:
        raise ModelError(f"could not convert model {spec.name!r} for CTranslate2: {type(exc).__name__}: "
                         f"{_first_line(exc)}", model=spec.name) from exc
    return {"implied_config": patched.get("config", {}), "vocab_size": patched.get("vocab_size")}


def _snapshot(repo_id: str) -> str:
    """The local snapshot directory of a cached hub model (no network)."""
    from huggingface_hub import snapshot_download

    return snapshot_download(repo_id, local_files_only=True)


class _FixedVocabulary:
    """A tokenizer whose ``get_vocab`` has exactly the model's entries (see :func:`vocabulary_of`)."""

    def __init__(self, tokenizer: Any, size: int) -> None:
        self._tokenizer = tokenizer
        self._vocab = {token: i for i, token in enumerate(vocabulary_of(tokenizer, size))}

    def get_vocab(self) -> dict[str, int]:
        return dict(self._vocab)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "no details"

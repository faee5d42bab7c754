"""Whether a configured model is on this machine: cheap file and cache checks, no network,
no torch (used by the loader, the converter and the method's availability)."""

from __future__ import annotations

import logging

from .config import ModelSpec

log = logging.getLogger(__name__)

#: Weight files one of which must be present for a model to count as available.
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "pytorch_model.bin.index.json")

def is_present(spec: ModelSpec) -> bool:
    """Whether ``spec``'s config and weights are on this machine (no network, no torch)."""
    if spec.is_local:
        path = spec.local_path
        return (path / "config.json").is_file() and any((path / w).is_file() for w in WEIGHT_FILES)
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    try:
        if not isinstance(try_to_load_from_cache(spec.source, "config.json"), str):
            return False
        return any(isinstance(try_to_load_from_cache(spec.source, w), str) for w in WEIGHT_FILES)
    except Exception:  # an invalid repo id, an unreadable cache: simply absent
        log.debug("cache lookup failed for %s", spec.source, exc_info=True)
        return False


def absent_reason(spec: ModelSpec) -> tuple[str, str]:
    """Why ``spec`` is not usable here, and the command that fixes it."""
    if spec.is_local:
        return (f"model {spec.name!r}: {spec.source} is not a model directory (no config.json "
                f"and weights there)", f"save a model to {spec.source}, or set SUMMARIZE_ABSTRACTIVE_MODEL")
    return (f"model {spec.name!r} ({spec.source}) is not in the local Hugging Face cache",
            f"summarize models download {spec.name}")

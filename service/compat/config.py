"""Settings of the drop-in APIs, read from ``SUMMARIZE_COMPAT_*`` environment variables.

=========================================  ============  ==================================================
variable                                   default       meaning
=========================================  ============  ==================================================
``SUMMARIZE_COMPAT_AZURE_MAX_DOCUMENTS``   25            most documents in one analyze-text job (Azure's)
``SUMMARIZE_COMPAT_AZURE_MAX_CHARACTERS``  125000        most characters (code points) in one job (Azure's)
``SUMMARIZE_COMPAT_AZURE_PAGE_SIZE``       20            documents per page of job results (``top``'s
                                                         default; ``nextLink`` for the rest)
``SUMMARIZE_COMPAT_AZURE_RETRY_AFTER``     1             ``Retry-After`` seconds on a running job's status
                                                         (how often the Azure clients poll)
``SUMMARIZE_COMPAT_EXTRACTIVE_METHOD``     ``newsrank``  the method of ``ExtractiveSummarization`` with
                                                         ``modelVersion`` ``latest`` (another extractive
                                                         method may be named as the ``modelVersion``)
``SUMMARIZE_COMPAT_HF_MAX_INPUTS``         16            most ``inputs`` in one Hugging Face request
=========================================  ============  ==================================================
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from summarizers.settings import values_from_env

PREFIX = "SUMMARIZE_COMPAT_"


@dataclass(frozen=True)
class CompatConfig:
    """The drop-in APIs' settings (see the module docstring).

    Raises:
        ValueError: a value out of range (the message names the setting).
    """

    azure_max_documents: int = 25
    azure_max_characters: int = 125_000
    azure_page_size: int = 20
    azure_retry_after: int = 1
    extractive_method: str = "newsrank"
    hf_max_inputs: int = 16

    def __post_init__(self) -> None:
        for name in ("azure_max_documents", "azure_max_characters", "azure_page_size", "azure_retry_after",
                     "hf_max_inputs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"compat {name} must be a whole number >= 1, got {value!r}")
        if not self.extractive_method.strip():
            raise ValueError("compat extractive_method must name a method")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CompatConfig:
        """The settings from ``SUMMARIZE_COMPAT_*`` variables.

        Raises:
            ValueError: naming the variable, for a value that is not valid.
        """
        env = os.environ if environ is None else environ
        parsers: dict[str, Callable[[str], Any]] = {
            "azure_max_documents": int, "azure_max_characters": int, "azure_page_size": int,
            "azure_retry_after": int, "extractive_method": str.strip, "hf_max_inputs": int,
        }
        values = values_from_env(PREFIX, parsers, env)
        try:
            return cls(**values)
        except ValueError as exc:
            raise ValueError(f"invalid {PREFIX}* setting: {exc}") from None

"""Settings of the drop-in APIs, from ``SUMMARIZE_COMPAT_*`` environment variables (read by
:mod:`summarizers.config`, table ``COMPAT``).

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

from dataclasses import dataclass

from summarizers.checks import InvalidSetting, check_fields, whole


@dataclass(frozen=True)
class CompatConfig:
    """The drop-in APIs' settings (see the module docstring).

    Raises:
        ValueError: a value out of range (the message names the setting).
    """

    azure_max_documents: int = whole(25, low=1)
    azure_max_characters: int = whole(125_000, low=1)
    azure_page_size: int = whole(20, low=1)
    azure_retry_after: int = whole(1, low=1)
    extractive_method: str = "newsrank"
    hf_max_inputs: int = whole(16, low=1)

    def __post_init__(self) -> None:
        check_fields(self)
        if not self.extractive_method.strip():
            raise InvalidSetting("extractive_method", self.extractive_method, "the name of a method")

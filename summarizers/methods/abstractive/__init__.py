"""The abstractive method: Hugging Face seq2seq models behind the library's one interface.

Importing this package is cheap: ``torch`` and ``transformers`` are imported only when a
model is loaded.
"""

from .config import AbstractiveConfig, ModelSpec
from .loader import LoadedModel, ModelLoader, download, is_present
from .method import AbstractiveMethod, abstractive_method

__all__ = [
    "AbstractiveConfig",
    "AbstractiveMethod",
    "LoadedModel",
    "ModelLoader",
    "ModelSpec",
    "abstractive_method",
    "download",
    "is_present",
]

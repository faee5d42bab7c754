"""The pathological method the limit tests share: ``lead``, except on documents that sleep or eat
memory while they are scored (a registry factory at module level, so worker and document
processes can unpickle it)."""

from __future__ import annotations

import time
from typing import Any

from summarizers import Registry
from summarizers.methods.lead import LeadMethod

SLOW = "SLOWARTICLE"  # the test method sleeps on it
HUNGRY = "HUNGRYARTICLE"  # ...and allocates without end


class HostileLead(LeadMethod):
    """``lead``, except on documents that sleep or eat memory while scored."""

    def score(self, document: Any, request: Any) -> Any:
        if SLOW in document.text:
            time.sleep(600)
        if HUNGRY in document.text:
            hoard = []
            while True:
                hoard.append(bytearray(50 * 1024 * 1024))
        return super().score(document, request)


def hostile_registry() -> Registry:
    """A registry of :class:`HostileLead` only."""
    return Registry([HostileLead()])

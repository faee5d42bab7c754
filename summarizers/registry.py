"""The registry of methods: built-ins and plugins register the same way."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import entry_points
from typing import Any

from .errors import UnknownMethod
from .methods.base import Method

log = logging.getLogger(__name__)

#: Entry-point group through which other packages add methods: each entry point names a
#: callable returning a Method or an iterable of Methods.
ENTRY_POINT_GROUP = "summarizers.methods"

MethodFactory = Callable[[], "Method | Iterable[Method]"]

#: The method used when a request names none (library, CLI, service, batch).
DEFAULT_METHOD = "newsrank"


class Registry:
    """Methods by name. Thread-safe; methods are cheap objects that load models lazily."""

    def __init__(self, methods: Iterable[Method] = ()) -> None:
        self._methods: dict[str, Method] = {}
        self._lock = threading.Lock()
        for method in methods:
            self.register(method)

    def register(self, method: Method, *, replace: bool = False) -> Method:
        """Add ``method`` under its name.

        Raises:
            ValueError: when the name is taken and ``replace`` is false.
        """
        with self._lock:
            if method.name in self._methods and not replace:
                raise ValueError(f"method {method.name!r} is already registered")
            self._methods[method.name] = method
        return method

    def get(self, name: str) -> Method:
        """The method called ``name``.

        Raises:
            UnknownMethod: listing the registered names.
        """
        try:
            return self._methods[name]
        except (KeyError, TypeError):
            raise UnknownMethod(
                f"unknown method {name!r}; known: {', '.join(self.names())}",
                field="method", known=self.names(),
            ) from None

    def names(self) -> list[str]:
        """Registered names, in registration order."""
        return list(self._methods)

    def __iter__(self) -> Iterator[Method]:
        return iter(list(self._methods.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def describe(self) -> list[dict[str, Any]]:
        """Every method's JSON-ready description (see :meth:`Method.describe`)."""
        return [m.describe() for m in self]


def builtin_factories() -> list[MethodFactory]:
    """Factories of the methods that ship with the library, in listing order."""
    from .methods.abstractive import abstractive_method
    from .methods.edmundson import EdmundsonMethod
    from .methods.lead import LeadMethod
    from .methods.newsrank import NewsRankMethod
    from .methods.sumy_methods import sumy_methods

    return [NewsRankMethod, LeadMethod, sumy_methods, EdmundsonMethod, abstractive_method]


def default_registry(*, plugins: bool = True) -> Registry:
    """A new registry with the built-in methods and, if ``plugins``, those of entry points."""
    registry = Registry()
    factories: list[MethodFactory] = builtin_factories()
    if plugins:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                factories.append(ep.load())
            except Exception:  # a broken plugin must not take the built-ins down
                log.exception("could not load summarizer plugin %s", ep.name)
    for factory in factories:
        made = factory()
        for method in [made] if isinstance(made, Method) else made:
            registry.register(method)
    return registry

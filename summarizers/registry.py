"""The registry of methods: built-ins and plugins register the same way, and requests are
prepared (validated once) here."""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from importlib.metadata import entry_points
from typing import Any

from .config import Config, read_config
from .errors import MethodUnavailable, ModelMissing, UnknownMethod
from .methods.base import Method, Options, Request
from .text.language import Language, get_language, is_auto, resolve_language_name
from .types import DEFAULT_LANGUAGE, DEFAULT_METHOD, Length

log = logging.getLogger(__name__)

#: Entry-point group through which other packages add methods: each entry point names a
#: callable returning a Method or an iterable of Methods. A callable that takes one argument
#: is given the registry being built (to find other methods by name when it runs).
ENTRY_POINT_GROUP = "summarizers.methods"

#: The extractive methods ``options.faithfulness = "fallback"`` falls back on, the first registered.
FALLBACK_METHODS = (DEFAULT_METHOD, "lexrank", "lead")

MethodFactory = Callable[..., "Method | Iterable[Method]"]

class Registry:
    """Methods by name. Thread-safe; methods are cheap objects that load models lazily."""

    def __init__(self, methods: Iterable[Method] = ()) -> None:
        self._methods: dict[str, Method] = {}
        self._lock = threading.Lock()
        for method in methods:
            self.register(method)

    def __getstate__(self) -> dict[str, Any]:
        """Picklable (to reach worker processes): the methods, without the lock."""
        return {"methods": list(self._methods.values())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["methods"])  # type: ignore[misc]

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

    def prepare(
        self,
        method: str = DEFAULT_METHOD,
        length: Length | Mapping[str, Any] | int | None = None,
        language: str | Language = DEFAULT_LANGUAGE,
        options: Mapping[str, Any] | None = None,
    ) -> Request:
        """Validate a request once: the method exists and can run, the length, the language and
        the options. The only place where they are checked; pass the result down.

        Raises:
            UnknownMethod, InvalidLength, UnsupportedLanguage, InvalidOption, MethodUnavailable.
        """
        impl = self.get(method)
        parsed_length = Length.parse(length)
        if isinstance(language, Language):
            lang: Language | str = language
        else:
            name = resolve_language_name(language, allow_auto=True)
            lang = name if is_auto(name) else get_language(name)  # "auto": detected per document
        opts = Options(impl.validate_options(options))
        status = impl.availability()
        if not status.available:
            fix = f"; fix: {status.fix}" if status.fix else ""
            error = ModelMissing if status.model_missing else MethodUnavailable
            if status.model_missing:
                fix = f"{fix} ({ModelMissing.OTHER_FIX})"
            raise error(
                f"method {method!r} is unavailable: {status.reason}{fix}",
                reason=status.reason or "unavailable", fix=status.fix, field="method",
            )
        fallback = None
        if opts.get("faithfulness") == "fallback" and impl.kind != "extractive":
            fallback = next((self.get(n) for n in FALLBACK_METHODS if n in self and self.get(n).kind == "extractive"),
                            None)
        return Request(method=impl, length=parsed_length, language=lang, options=opts, fallback=fallback)

    def describe(self) -> list[dict[str, Any]]:
        """Every method's JSON-ready description (see :meth:`Method.describe`)."""
        return [m.describe() for m in self]


def builtin_factories(config: Config | None = None) -> list[MethodFactory]:
    """Factories of the methods that ship with the library, in listing order (those taking an
    argument are given the registry); the abstractive method's takes ``config.abstractive``
    (the defaults when ``None``)."""
    from .methods.abstractive import abstractive_method
    from .methods.edmundson import EdmundsonMethod
    from .methods.lead import LeadMethod
    from .methods.newsrank import NewsRankMethod
    from .methods.sumy_methods import sumy_methods

    abstractive = (config or Config()).abstractive
    return [NewsRankMethod, LeadMethod, sumy_methods, EdmundsonMethod, partial(abstractive_method, config=abstractive)]


def default_registry(*, plugins: bool = True, config: Config | None = None) -> Registry:
    """A new registry with the built-in methods and, if ``plugins``, those of entry points.

    Args:
        config: the abstractive method's models and every method's sentence limits (by default
            read from the ``SUMMARIZE_*`` variables, :func:`summarizers.config.read_config`).

    Raises:
        ConfigError: ``config`` is ``None`` and a variable has a bad value.
    """
    config = config if config is not None else read_config()
    registry = Registry()
    factories: list[MethodFactory] = builtin_factories(config)
    if plugins:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                factories.append(ep.load())
            except Exception:  # a broken plugin must not take the built-ins down
                log.exception("could not load summarizer plugin %s", ep.name)
    for factory in factories:
        made = factory(registry) if _takes_registry(factory) else factory()
        for method in [made] if isinstance(made, Method) else made:
            method.use_sentence_limits(config.sentence_limits)
            registry.register(method)
    return registry


def _takes_registry(factory: MethodFactory) -> bool:
    """Whether ``factory`` takes a positional argument (the registry)."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
               for p in parameters)

"""The registry of methods: built-ins and plugins register the same way, and requests are
prepared (validated once) here: :meth:`Registry.prepare` and :meth:`Registry.from_wire` are the
only makers of a :class:`~summarizers.request.Request`.

Methods that use other methods (the abstractive method ranks sentences with an extractive one)
are linked when the registry changes (:meth:`Method.link`): what they use is resolved then and
injected, never looked up while they run."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache, partial
from importlib.metadata import entry_points
from typing import Any

from .config import Config, read_config
from .document import Document
from .errors import MethodUnavailable, ModelMissing, UnknownMethod
from .methods.base import Method
from .methods.extractive import ExtractiveMethod
from .request import DEFAULT_LANGUAGE, DEFAULT_METHOD, Length, Options, Request, request_from_wire
from .text.language import Language, get_language, is_auto, resolve_language_name

log = logging.getLogger(__name__)

#: Entry-point group through which other packages add methods: each entry point names a
#: callable, called without arguments, returning a Method or an iterable of Methods (a method
#: that uses other methods gets them through :meth:`Method.link`).
ENTRY_POINT_GROUP = "summarizers.methods"

#: The extractive methods ``options.faithfulness = "fallback"`` falls back on, the first registered.
FALLBACK_METHODS = (DEFAULT_METHOD, "lexrank", "lead")

#: The prepared requests a scorer keeps (one per query and language, the least recently used dropped).
SCORER_REQUESTS = 64

MethodFactory = Callable[[], "Method | Iterable[Method]"]
#: Scores every sentence of a document, query-aware when a query is given (see :meth:`Registry.scorer`).
Scorer = Callable[[Document, "str | None"], Sequence[float]]


class Registry:
    """Methods by name. Thread-safe; methods are cheap objects that load models lazily."""

    def __init__(self, methods: Iterable[Method] = ()) -> None:
        self._methods: dict[str, Method] = {}
        self._fallback: Method | None = None  # resolved whenever the methods change
        self._lock = threading.Lock()
        for method in methods:
            self.register(method)

    def __getstate__(self) -> dict[str, Any]:
        """Picklable (to reach worker processes): the methods, without the lock."""
        return {"methods": list(self._methods.values())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["methods"])  # type: ignore[misc]

    def register(self, method: Method, *, replace: bool = False) -> Method:
        """Add ``method`` under its name, then link every method again (:meth:`Method.link`:
        what they use of other methods is resolved now, never while they run).

        Raises:
            ValueError: when the name is taken and ``replace`` is false.
        """
        with self._lock:
            if method.name in self._methods and not replace:
                raise ValueError(f"method {method.name!r} is already registered")
            self._methods[method.name] = method
            self._fallback = next((m for m in map(self._methods.get, FALLBACK_METHODS)
                                   if m is not None and m.kind == "extractive"), None)
            linked = list(self._methods.values())
        for each in linked:  # what a method uses may have been added or replaced
            each.link(self)
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
            extractive = self._fallback
            if extractive is not None:
                shared = ("order", "title", "query") if extractive.accepts("query") else ("order", "title")
                common = Options({k: v for k, v in opts.items() if k in shared})
                fallback = Request(method=extractive, length=parsed_length, language=lang, options=common)
        return Request(method=impl, length=parsed_length, language=lang, options=opts, fallback=fallback)

    def from_wire(self, wire: Mapping[str, Any]) -> Request:
        """The request whose wire form (:meth:`Request.to_wire`) a prepared request wrote, with
        this registry's methods of those names; nothing is validated again.

        Raises:
            UnknownMethod: a method this process's registry does not have.
        """
        return request_from_wire(wire, self.get)

    def scorer(self, name: str) -> Scorer:
        """Scores by the extractive method ``name`` as this registry holds it now (resolved once;
        a later :meth:`register` links methods again): one float per sentence, query-aware when
        a query is given and the method takes one. A name that is not an extractive method gives
        a scorer that raises :class:`MethodUnavailable`."""
        method = self._methods.get(name)
        if not isinstance(method, ExtractiveMethod):
            def unavailable(document: Document, query: str | None = None) -> Sequence[float]:
                raise MethodUnavailable(f"SUMMARIZE_EXTRACT_METHOD {name!r} is not an extractive method",
                                        reason="misconfigured extract method")
            return unavailable
        takes_query = method.accepts("query")

        @lru_cache(maxsize=SCORER_REQUESTS)
        def request(query: str | None, language: Language) -> Request:
            # A method without a query variant ranks as usual; the caller keeps the query's sentences.
            return self.prepare(name, None, language, {"query": query} if query else None)

        def score(document: Document, query: str | None = None) -> Sequence[float]:
            return method.score(document, request(query if takes_query else None, document.language))

        return score

    def describe(self) -> list[dict[str, Any]]:
        """Every method's JSON-ready description (see :meth:`Method.describe`)."""
        return [m.describe() for m in self]


def builtin_factories(config: Config | None = None) -> list[MethodFactory]:
    """Factories of the methods that ship with the library, in listing order (each called with
    no argument); the abstractive method's takes ``config.abstractive`` (the defaults when ``None``)."""
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
        made = factory()
        for method in [made] if isinstance(made, Method) else made:
            method.use_sentence_limits(config.sentence_limits)
            registry.register(method)
    return registry


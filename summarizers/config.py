"""Every ``SUMMARIZE_*`` environment variable: read once, at start, into typed, frozen configs.

This is the only module that reads the environment for ``SUMMARIZE_*`` settings. Each entry
point reads what it needs once, when it starts, and passes the typed result down:

- the library and the CLI: :func:`read_config` (:class:`Config`: the URL fetch policy, the
  abstractive models, the sentence limits) and :func:`read_jobs` (:class:`JobsConfig`);
- the service (``service/config.py``) and its gunicorn settings (``service/gunicorn.conf.py``):
  :func:`read` with the tables :data:`SERVICE`, :data:`COMPAT` and :data:`SERVER` below, into
  the service's own dataclasses.

A bad value stops the start with one :class:`ConfigError` line naming the variable, its value
and what is allowed. Values are parsed by one helper per kind (:func:`integer`, :func:`number`,
:func:`flag`, :func:`items`, :func:`path`, :func:`url_prefixes`, :func:`text`); ranges and choices
are checked by the dataclasses themselves (:mod:`summarizers.checks`),
so a config built in code is checked the same way. A variable set to an empty string counts as
unset, except lists, where it means the empty list. Every variable is documented in
docs/service.md, docs/jobs.md or docs/abstractive.md (a test checks :data:`VARIABLES` against
them).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .checks import InvalidSetting, check_fields, one_of, seconds, whole
from .fetch import FetchPolicy
from .methods.abstractive.config import DEFAULT_MODEL, AbstractiveConfig, ModelSpec, add_source, builtin_specs

T = TypeVar("T")
Environ = Mapping[str, str]


class ConfigError(ValueError):
    """A ``SUMMARIZE_*`` variable with a value that is not allowed (one line: the variable, its
    value and what is allowed)."""

    def __init__(self, variable: str, value: str, allowed: str) -> None:
        super().__init__(f"{variable}={value!r} is not valid: expected {allowed}")
        self.variable, self.value, self.allowed = variable, value, allowed


# -- one parser per kind of value ---------------------------------------------------------------

def integer(raw: str) -> int:
    """A whole number.

    Raises:
        ValueError: saying what is allowed.
    """
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError("a whole number") from None


def number(raw: str) -> float:
    """A finite number.

    Raises:
        ValueError: saying what is allowed.
    """
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError("a number")
    return value


def flag(raw: str) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off`` (any case) as a bool.

    Raises:
        ValueError: saying what is allowed.
    """
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("1, true, yes, on, 0, false, no or off")


def items(raw: str) -> tuple[str, ...]:
    """A comma-separated list, items stripped, empty ones dropped."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def url_prefixes(raw: str) -> tuple[str, ...]:
    """A comma-separated list of ``http://`` or ``https://`` URL prefixes.

    Raises:
        ValueError: saying what is allowed.
    """
    prefixes = items(raw)
    if any(not p.lower().startswith(("http://", "https://")) for p in prefixes):
        raise ValueError("comma-separated URL prefixes, each starting with http:// or https://")
    return prefixes


def text(raw: str) -> str:
    """A string, stripped."""
    return raw.strip()


def lower(raw: str) -> str:
    """A word, stripped and in lower case (choices are checked by the config)."""
    return raw.strip().lower()


def path(raw: str) -> str:
    """A file or directory path, stripped (``~`` is left to whoever opens it)."""
    return raw.strip()


#: Kinds where an empty value is a value (the empty list), not "unset".
_LISTS: frozenset[Callable[[str], Any]] = frozenset({items, url_prefixes})


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, the config field it sets and the parser of its kind."""

    name: str
    field: str
    parse: Callable[[str], Any]


def table(prefix: str, **fields: Callable[[str], Any]) -> tuple[Variable, ...]:
    """The variables ``prefix + FIELD`` of ``fields`` (field name -> parser)."""
    return tuple(Variable(prefix + name.upper(), name, parse) for name, parse in fields.items())


def values(variables: Sequence[Variable], environ: Environ | None = None) -> dict[str, tuple[Any, str, str]]:
    """The set variables of ``variables``, parsed: ``{field: (value, variable, raw)}``.

    Raises:
        ConfigError: for a value its parser refuses.
    """
    env = os.environ if environ is None else environ
    found: dict[str, tuple[Any, str, str]] = {}
    for var in variables:
        raw = env.get(var.name)
        if raw is None or (not raw.strip() and var.parse not in _LISTS):
            continue
        try:
            found[var.field] = (var.parse(raw), var.name, raw)
        except ValueError as exc:
            raise ConfigError(var.name, raw, str(exc)) from None
    return found


def read(cls: Callable[..., T], variables: Sequence[Variable], environ: Environ | None = None,
         **given: Any) -> T:
    """``cls(**given)`` with the fields of the variables that are set: a config from the environment
    (``given``: the fields no variable sets, and defaults that a set variable replaces).

    Raises:
        ConfigError: naming the variable, for a value that is not allowed (by its parser or by
            the config's own checks).
    """
    found = values(variables, environ)
    return build(cls, found, **given)


def build(cls: Callable[..., T], found: Mapping[str, tuple[Any, str, str]], **given: Any) -> T:
    """``cls`` of the values :func:`values` found (and ``given``), its checks' errors named by
    the variable that set the field.

    Raises:
        ConfigError: for a field the config refuses.
    """
    try:
        return cls(**{**given, **{name: value for name, (value, _, _) in found.items()}})
    except InvalidSetting as exc:
        if exc.name in found:
            _, variable, raw = found[exc.name]
            raise ConfigError(variable, raw, exc.allowed) from None
        raise ConfigError(f"SUMMARIZE_* ({exc.name})", str(exc.value), exc.allowed) from None


# -- the library's settings ---------------------------------------------------------------------

#: The URL fetch policy, the same for the library, the CLI and the service.
URL = (
    Variable("SUMMARIZE_URL_HOSTS", "allowed_hosts", items),
    Variable("SUMMARIZE_URL_ALLOW_NETWORKS", "allowed_networks", items),
    Variable("SUMMARIZE_URL_TIMEOUT", "timeout", number),
    Variable("SUMMARIZE_URL_MAX_BYTES", "max_bytes", integer),
)

#: The abstractive method (docs/abstractive.md); the models are read by :func:`read_abstractive`.
ABSTRACTIVE = (
    Variable("SUMMARIZE_DEVICE", "device", text),
    Variable("SUMMARIZE_DTYPE", "dtype", text),
    Variable("SUMMARIZE_TORCH_THREADS", "torch_threads", integer),
    Variable("SUMMARIZE_ABSTRACTIVE_BATCH", "batch_size", integer),
    Variable("SUMMARIZE_MAX_BEAMS", "max_beams", integer),
    Variable("SUMMARIZE_MAX_NEW_TOKENS", "max_new_tokens", integer),
    Variable("SUMMARIZE_MAX_INPUT_TOKENS", "max_input_tokens", integer),
    Variable("SUMMARIZE_EXTRACT_METHOD", "extract_method", text),
    Variable("SUMMARIZE_BACKEND", "backend", text),
    Variable("SUMMARIZE_CT2_QUANTIZATION", "ct2_quantization", text),
    Variable("SUMMARIZE_CT2_DIR", "ct2_dir", path),
)
MODELS_VARIABLE = "SUMMARIZE_MODELS"
MODEL_VARIABLE = "SUMMARIZE_ABSTRACTIVE_MODEL"

#: Per-method sentence limits, e.g. ``"lexrank=5000,kl=2000,lexrank.sumy=300"`` (``name.sumy``
#: for sumy's own implementation); they replace the defaults of each method's cost.
SENTENCE_LIMITS_VARIABLE = "SUMMARIZE_SENTENCE_LIMITS"
#: ``1``: the CLI shows tracebacks and debug logs, like ``--debug``.
DEBUG_VARIABLE = "SUMMARIZE_DEBUG"


@dataclass(frozen=True)
class Config:
    """What the library and the CLI read from the environment.

    Attributes:
        fetch: the policy under which ``url`` inputs are fetched.
        abstractive: the abstractive method's models and bounds.
        sentence_limits: per-method sentence limits (``{"lexrank": 5000, "lexrank.sumy": 300}``).
        debug: the CLI shows tracebacks and debug logs.
    """

    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    abstractive: AbstractiveConfig = field(default_factory=AbstractiveConfig)
    sentence_limits: Mapping[str, int] = field(default_factory=dict)
    debug: bool = False


def read_config(environ: Environ | None = None, *, torch_threads: int | None = None) -> Config:
    """The library's configuration from ``environ`` (``os.environ`` by default).

    Args:
        torch_threads: the default of ``SUMMARIZE_TORCH_THREADS`` (the service's share of the
            cores; ``None``: torch's own choice).

    Raises:
        ConfigError: for a bad value, naming the variable.
    """
    env = os.environ if environ is None else environ
    return read(Config, (Variable(DEBUG_VARIABLE, "debug", flag),), env, fetch=read_fetch_policy(env),
                abstractive=read_abstractive(env, torch_threads=torch_threads),
                sentence_limits=read_sentence_limits(env))


def read_fetch_policy(environ: Environ | None = None) -> FetchPolicy:
    """The URL fetch policy of the ``SUMMARIZE_URL_*`` variables.

    Raises:
        ConfigError: for a bad value, naming the variable.
    """
    return read(FetchPolicy, URL, environ)


def read_abstractive(environ: Environ | None = None, *, torch_threads: int | None = None) -> AbstractiveConfig:
    """The abstractive method's configuration (models, placement, bounds).

    Args:
        torch_threads: the default of ``SUMMARIZE_TORCH_THREADS``.

    Raises:
        ConfigError: for a bad value, naming the variable.
    """
    env = os.environ if environ is None else environ
    models = builtin_specs()
    raw_models = env.get(MODELS_VARIABLE, "")
    try:
        models.update(parse_models(raw_models))
    except ValueError as exc:
        raise ConfigError(MODELS_VARIABLE, raw_models, str(exc)) from None
    default = env.get(MODEL_VARIABLE, "").strip() or DEFAULT_MODEL
    name = add_source(models, default)
    found = values(ABSTRACTIVE, env)
    given: dict[str, Any] = {"models": models, "default": name}
    if torch_threads is not None:
        given["torch_threads"] = torch_threads
    return build(AbstractiveConfig, found, **given)


def parse_models(value: str) -> dict[str, ModelSpec]:
    """Named models from ``SUMMARIZE_MODELS``: a JSON object (``{"name": "source"}`` or
    ``{"name": {"source", "prefix", "backend"}}``) or ``name=source,name=source``.

    Raises:
        ValueError: saying what is allowed.
    """
    value = value.strip()
    if not value:
        return {}
    out: dict[str, ModelSpec] = {}
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"a JSON object of models (this is not valid JSON: {exc})") from None
        if not isinstance(data, dict):
            raise ValueError('a JSON object of models: {"name": "source"}')
        for name, item in data.items():
            if isinstance(item, str):
                out[name] = ModelSpec(name, item)
            elif isinstance(item, Mapping) and isinstance(item.get("source"), str):
                out[name] = ModelSpec(name, item["source"], item.get("prefix"), item.get("backend"))
            else:
                raise ValueError(f"a source string for every model ({name!r} has none)")
        return out
    for part in value.split(","):
        name, sep, source = (p.strip() for p in part.partition("="))
        if not part.strip():
            continue
        if not sep or not name or not source:
            raise ValueError(f"name=source pairs (got {part.strip()!r})")
        out[name] = ModelSpec(name, source)
    return out


def read_sentence_limits(environ: Environ | None = None) -> dict[str, int]:
    """The limits of ``SUMMARIZE_SENTENCE_LIMITS``: ``{"lexrank": 5000, "lexrank.sumy": 300}``.

    Raises:
        ConfigError: for an entry that is not ``name=positive whole number``.
    """
    env = os.environ if environ is None else environ
    raw = env.get(SENTENCE_LIMITS_VARIABLE, "")
    limits: dict[str, int] = {}
    for entry in filter(None, (e.strip() for e in raw.split(","))):
        name, _, count = entry.partition("=")
        try:
            limit = integer(count)
        except ValueError:
            limit = 0
        if not name.strip() or limit < 1:
            raise ConfigError(SENTENCE_LIMITS_VARIABLE, raw,
                              f"comma-separated name=positive whole number (got {entry!r})")
        limits[name.strip()] = limit
    return limits


# -- the jobs machinery (docs/jobs.md) ----------------------------------------------------------

JOBS_ISOLATIONS = ("process", "inline")


@dataclass(frozen=True)
class JobsConfig:
    """The jobs settings (``SUMMARIZE_JOBS_*``, see docs/jobs.md).

    Raises:
        InvalidSetting: a value out of range (naming the setting).
    """

    db: str = "summarize-jobs.db"
    redis_url: str | None = None
    ttl: float = seconds(7 * 24 * 3600.0)
    lease: float = seconds(30.0)
    chunk: int = whole(16, low=1)
    max_documents: int = whole(10_000, low=1)
    max_body_bytes: int = whole(64 * 1024 * 1024, low=1)
    workers: int = whole(1, low=0)
    webhook_allow: tuple[str, ...] = ()
    webhook_secret: str | None = None
    webhook_allow_private: bool = False
    document_timeout: float = seconds(60.0)
    document_memory_mb: int = whole(2048, low=0)
    isolation: str = "process"
    max_document_bytes: int = whole(1024 * 1024, low=1)
    max_open_jobs: int = whole(20, low=1)
    store_timeout: float = seconds(5.0)
    max_stored_bytes: int = whole(256 * 1024 * 1024, low=1)

    def __post_init__(self) -> None:
        one_of("isolation", self.isolation, JOBS_ISOLATIONS)
        check_fields(self)

    @property
    def distributed(self) -> bool:
        """Whether jobs live in Redis (workers on any host) rather than in the SQLite file."""
        return bool(self.redis_url)


JOBS = table(
    "SUMMARIZE_JOBS_",
    db=path, redis_url=text, ttl=number, lease=number, chunk=integer, max_documents=integer,
    max_body_bytes=integer, workers=integer, webhook_allow=url_prefixes, webhook_secret=str,
    webhook_allow_private=flag, document_timeout=number, document_memory_mb=integer, isolation=lower,
    max_document_bytes=integer, max_open_jobs=integer, max_stored_bytes=integer, store_timeout=number,
)


def read_jobs(environ: Environ | None = None) -> JobsConfig:
    """The jobs settings of the ``SUMMARIZE_JOBS_*`` variables.

    Raises:
        ConfigError: for a bad value, naming the variable.
    """
    return read(JobsConfig, JOBS, environ)


# -- the service's variables (its dataclasses live in service/config.py) ------------------------

#: The service's HTTP-level settings (``summarizers_service.config.ServiceConfig``; docs/service.md).
SERVICE = table(
    "SUMMARIZE_",
    max_body_bytes=integer, max_batch=integer, request_timeout=number, batch_timeout=number,
    processes=integer, isolation=lower, child_memory_mb=integer, child_recycle_mb=integer,
    child_max_tasks=integer, abstractive_concurrency=integer, abstractive_max_characters=integer,
    queue=integer, queue_wait=number, rate_limit=text, retry_after=integer, api_keys=items,
    cors_origins=items, preload=items, log_level=text, allow_urls=flag,
)

#: The drop-in APIs (``summarizers_service.compat.config.CompatConfig``; docs/migration.md).
COMPAT = table(
    "SUMMARIZE_COMPAT_",
    azure_max_documents=integer, azure_max_characters=integer, azure_page_size=integer,
    azure_retry_after=integer, extractive_method=text, hf_max_inputs=integer,
)

#: gunicorn's settings of the service (``summarizers_service.config.ServerConfig``, service/gunicorn.conf.py).
SERVER = (
    Variable("SUMMARIZE_WORKERS", "workers", integer),
    Variable("SUMMARIZE_THREADS", "threads", integer),
    Variable("SUMMARIZE_GRACEFUL_TIMEOUT", "graceful_timeout", integer),
    Variable("SUMMARIZE_JOBS_SUPERVISOR_STATUS", "supervisor_status", path),
)

#: Every variable this module knows, by name (each documented in docs/).
VARIABLES: tuple[str, ...] = tuple(sorted(
    {v.name for group in (URL, ABSTRACTIVE, JOBS, SERVICE, COMPAT, SERVER) for v in group}
    | {MODELS_VARIABLE, MODEL_VARIABLE, SENTENCE_LIMITS_VARIABLE, DEBUG_VARIABLE}
))


def default_workers(cores: int) -> int:
    """gunicorn workers when ``SUMMARIZE_WORKERS`` is unset: one per core, up to 4 (each holds
    its own copy of the abstractive model)."""
    return max(1, min(cores, 4))

"""The Hugging Face Inference API's summarization at ``POST /hf/models/{name}``, so that
``InferenceClient(model="<this server>/hf/models/newsrank", token=<key>).summarization(text)``
(and plain HTTP clients of the hub's API) work unchanged.

``name`` is one of the service's methods (``newsrank``, ``lexrank``, ``abstractive``...) or one
of the abstractive method's configured models (by name or hub id, e.g.
``sshleifer/distilbart-cnn-12-6``). The body is the hub's: ``{"inputs": str | [str],
"parameters": {"truncation", "generate_parameters": {...}, "clean_up_tokenization_spaces"}}``
(generation settings are also taken directly in ``parameters``, as the older API documented);
the answer ``[{"summary_text": ...}]``, one per input. Errors are ``{"error": message}``.
The summaries run like ``/v1/summarize/batch`` (same runner, limits and time limit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from summarizers import Registry, SummarizerError, Summary

from ..errors import ApiError, status_for
from ..state import current_state
from ..tasks import BatchTask
from .azure import compat_config, throttle, with_retry_after

bp = Blueprint("hf", __name__, url_prefix="/hf")

#: Generation settings of the hub's API and the abstractive method's option each sets.
ABSTRACTIVE_GENERATION = {
    "max_length": "max_new_tokens", "max_new_tokens": "max_new_tokens",
    "min_length": "min_new_tokens", "min_new_tokens": "min_new_tokens",
    "num_beams": "num_beams", "length_penalty": "length_penalty", "no_repeat_ngram_size": "no_repeat_ngram_size",
}
#: ``truncation`` strategies and the abstractive method's ``long_input`` policy for each.
TRUNCATION = {"do_not_truncate": "chunk", "longest_first": "truncate", "only_first": "truncate",
              "only_second": "truncate"}
_PARAMETERS = {"truncation", "generate_parameters", "clean_up_tokenization_spaces"}


class HfError(Exception):
    """An error answer in the hub's shape, ``{"error": message}``."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, dict(headers or {})


@dataclass(frozen=True)
class HfRequest:
    """A hub request as the library's: inputs, method, length and options."""

    inputs: list[str]
    method: str
    length: Mapping[str, Any] | None
    options: Mapping[str, Any]


def resolve_model(name: str, registry: Registry) -> tuple[str, dict[str, Any]]:
    """The method and options that ``name`` (a method, or an abstractive model's name or hub id) runs.

    Raises:
        HfError: 404 for a name this server does not serve.
    """
    if name in registry:
        return name, {}
    for method in registry:
        if method.kind != "abstractive":
            continue
        for model in method.models():
            if name in (model.get("name"), model.get("source")):
                return method.name, {"model": model["name"]}
    raise HfError(404, f"Model {name} does not exist on this server; serve one of its methods "
                       f"({', '.join(registry.names())}) or configured models")


def parse_request(body: Any, method: str, kind: str, base_options: Mapping[str, Any], *,
                  max_inputs: int) -> HfRequest:
    """The library's request for a hub summarization body, for ``method`` of ``kind``.

    Raises:
        HfError: 400 naming the field at fault (an unknown or unsupported parameter included).
    """
    if not isinstance(body, dict) or "inputs" not in body:
        raise HfError(400, 'the body must be a JSON object with "inputs" (a string or a list of strings)')
    unknown = sorted(set(body) - {"inputs", "parameters", "options"})
    if unknown:
        raise HfError(400, f"unknown field(s) {', '.join(unknown)}; use inputs, parameters, options")
    inputs = body["inputs"]
    inputs = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(inputs, list) or not inputs or not all(isinstance(x, str) for x in inputs):
        raise HfError(400, "inputs must be a string or a non-empty list of strings")
    if len(inputs) > max_inputs:
        raise HfError(400, f"inputs has {len(inputs)} texts; at most {max_inputs} per request "
                           "(SUMMARIZE_COMPAT_HF_MAX_INPUTS)")
    params = body.get("parameters") or {}
    if not isinstance(params, dict):
        raise HfError(400, "parameters must be an object")
    generation = dict(params.get("generate_parameters") or {})
    if not isinstance(params.get("generate_parameters") or {}, dict):
        raise HfError(400, "parameters.generate_parameters must be an object")
    for key in set(params) - _PARAMETERS:  # the older API: generation settings directly in parameters
        generation.setdefault(key, params[key])
    options: dict[str, Any] = dict(base_options)
    length: dict[str, Any] | None = None
    truncation = params.get("truncation")
    if truncation is not None and truncation not in TRUNCATION:
        raise HfError(400, f"parameters.truncation must be one of {', '.join(TRUNCATION)}")
    if params.get("clean_up_tokenization_spaces") not in (None, True, False):
        raise HfError(400, "parameters.clean_up_tokenization_spaces must be true or false")
    if kind == "abstractive" and truncation is not None:
        options["long_input"] = TRUNCATION[truncation]
    for key, value in generation.items():
        if value is None:
            continue
        if key == "do_sample":
            if value is not False:
                raise HfError(400, "do_sample=true is not supported: this server decodes greedily or with beam "
                                   "search (num_beams)")
            continue
        if kind == "abstractive" and key in ABSTRACTIVE_GENERATION:
            options[ABSTRACTIVE_GENERATION[key]] = value
        elif kind != "abstractive" and key in ("max_length", "max_new_tokens"):
            length = {"words": value}  # an extractive summary's budget: words, as tokens are approximately
        else:
            known = sorted(ABSTRACTIVE_GENERATION) if kind == "abstractive" else ["max_length", "max_new_tokens"]
            raise HfError(400, f"generation parameter {key!r} is not supported by {method!r}; supported: "
                               f"{', '.join([*known, 'do_sample (false)'])}")
    return HfRequest(inputs, method, length, options)


@bp.before_request
def _authenticate() -> None:
    """401 without a valid ``Authorization: Bearer`` key (when the service has keys), 429 over the rate limit."""
    keys = current_state().keys
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    key = token.strip() if scheme.lower() == "bearer" else ""
    if keys.enabled and (not key or not keys.accepts(key)):
        raise HfError(401, "Invalid credentials in Authorization header", {"WWW-Authenticate": "Bearer"})
    wait = throttle(key)
    if wait:
        raise HfError(429, f"Rate limit reached: retry in {wait} s", {"Retry-After": str(wait)})


@bp.errorhandler(HfError)
def _hf_error(exc: HfError) -> Response:
    response = jsonify({"error": exc.message})
    response.status_code = exc.status
    for name, value in exc.headers.items():
        response.headers[name] = value
    return with_retry_after(response)


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return _hf_error(HfError(400 if exc.status == 422 else exc.status, exc.message, exc.headers))


@bp.errorhandler(SummarizerError)
def _summarizer_error(exc: SummarizerError) -> Response:
    status = status_for(exc)
    return _hf_error(HfError(400 if status == 422 else status, exc.message))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _hf_error(HfError(exc.code or 500, exc.description or exc.name))


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    import logging

    logging.getLogger(__name__).exception("unhandled error in the Hugging Face-compatible API")
    return _hf_error(HfError(500, f"internal error; quote request id {g.get('request_id', '-')} when reporting it"))


@bp.post("/models/<path:name>")
def summarize_model(name: str) -> Response:
    """Summarize ``inputs`` with the method or model ``name``; ``[{"summary_text": ...}]``."""
    from ..api_v1 import _check_size, _run, json_body

    state = current_state()
    method, base = resolve_model(name, state.registry)
    kind = state.registry.get(method).kind
    hf = parse_request(json_body(), method, kind, base, max_inputs=compat_config().hf_max_inputs)
    prepared = state.registry.prepare(hf.method, hf.length, "auto", hf.options)
    if state.preloader.state(method) in ("pending", "loading"):
        raise HfError(503, f"Model {name} is currently loading", {"Retry-After": "5"})
    for i, text in enumerate(hf.inputs):
        _check_size(state, prepared, text, f"inputs[{i}]")
    task = BatchTask(prepared.to_wire(), [{"text": t} for t in hf.inputs], state.config.fetch_policy())
    outcomes = _run(state, task, prepared, timeout=state.config.batch_timeout)
    answers = []
    for outcome in outcomes:
        if isinstance(outcome, SummarizerError):
            raise outcome
        assert isinstance(outcome, Summary)
        state.metrics.summaries.labels(method=method, outcome="ok").inc()
        answers.append({"summary_text": outcome.summary})
    return jsonify(answers)

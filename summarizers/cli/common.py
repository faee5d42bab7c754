"""Arguments shared by the commands that summarize (``text``, ``batch``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import InvalidOption
from ..methods.base import Request
from ..registry import Registry
from ..types import DEFAULT_LANGUAGE, DEFAULT_METHOD, DEFAULT_SENTENCES
from .status import UsageError

#: Named flags that map onto method options: (flag, option name, type, help).
OPTION_FLAGS: list[tuple[str, str, type, str]] = [
    ("--order", "order", str, "document (default) or rank"),
    ("--title", "title", str, "the article's headline, when known"),
    ("--query", "query", str, "summarize what the text says about this phrase, question or topic"),
    ("--seed", "seed", int, "seed of the random method"),
    ("--faithfulness", "faithfulness", str, "report (default), drop unsupported sentences, or fallback"),
    ("--min-faithfulness", "min_faithfulness", float, "fallback below this faithfulness score (default 0.5)"),
    ("--model", "model", str, "abstractive: a configured model name"),
    ("--long-input", "long_input", str, "abstractive: truncate, chunk or extract (default)"),
    ("--num-beams", "num_beams", int, "abstractive: beams of the beam search"),
    ("--min-new-tokens", "min_new_tokens", int, "abstractive: minimum tokens generated"),
    ("--max-new-tokens", "max_new_tokens", int, "abstractive: maximum tokens generated"),
]


def add_request_arguments(parser: argparse.ArgumentParser, *, default_method: str = DEFAULT_METHOD) -> None:
    """Add --method, the length flags, --language, option flags and ``-o KEY=VALUE``."""
    parser.add_argument("--method", "-m", default=default_method,
                        help=f"summarization method (default {default_method}; see `summarize methods`)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--sentences", "-n", type=int, help=f"number of sentences (default {DEFAULT_SENTENCES})")
    length.add_argument("--ratio", "-r", type=float, help="fraction of the text's sentences, in (0, 1]")
    length.add_argument("--words", "-w", type=int, help="word budget")
    parser.add_argument("--language", "-l", default=DEFAULT_LANGUAGE,
                        help=f"language name or ISO code, or auto to detect it (default {DEFAULT_LANGUAGE})")
    for flag, _, kind, text in OPTION_FLAGS:
        parser.add_argument(flag, type=kind, help=text)
    parser.add_argument("--option", "-o", action="append", default=[], metavar="KEY=VALUE",
                        help="any method option; VALUE is read as JSON when it parses (repeatable)")


def request_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """``method``, ``length``, ``language`` and ``options`` for :func:`summarizers.summarize`."""
    options: dict[str, Any] = {}
    for item in args.option:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--option expects KEY=VALUE, got {item!r}")
        try:
            options[key] = json.loads(value)
        except json.JSONDecodeError:
            options[key] = value
        except (ValueError, RecursionError):  # a number of thousands of digits; nesting too deep
            raise InvalidOption(f"--option {key}: the value is far too large or nested too deeply",
                                field=f"options.{key}") from None
    for _, name, _, _ in OPTION_FLAGS:
        value = getattr(args, name)
        if value is not None:
            options[name] = value
    length = {k: getattr(args, k) for k in ("sentences", "ratio", "words") if getattr(args, k) is not None}
    return {"method": args.method, "length": length or None, "language": args.language, "options": options}


def prepare_from_args(registry: Registry, args: argparse.Namespace) -> Request:
    """The command's request, prepared (validated) once by ``registry``.

    Raises:
        SummarizerError: for a bad method, length, language or options, or an unavailable method.
    """
    return registry.prepare(**request_from_args(args))


def read_input(path: str) -> bytes:
    """The bytes of ``path``, or of standard input for ``-``."""
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def print_json(data: Any) -> None:
    """Print ``data`` as one line of JSON (UTF-8, not ASCII-escaped)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")

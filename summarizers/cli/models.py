"""``summarize models list|download NAME``: the configured abstractive models.

``list`` shows each configured model, its source and whether it is on this machine (no
network, no model load), as the methods themselves report them (:meth:`Method.models`).
``download NAME`` fetches a configured model into the local Hugging
Face cache (the only command that uses the network; the Docker build runs it).
"""

from __future__ import annotations

import argparse
import logging

from ..errors import InvalidOption
from ..methods.abstractive.config import AbstractiveConfig
from ..methods.abstractive.loader import download
from ..registry import default_registry
from .common import print_json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``models`` command and its ``list`` and ``download`` subcommands."""
    p = subparsers.add_parser("models", help="list or download the configured abstractive models",
                              description="The abstractive models configured here (SUMMARIZE_ABSTRACTIVE_MODEL, "
                                          "SUMMARIZE_MODELS) and whether each is present locally.")
    sub = p.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    ls = sub.add_parser("list", help="show the configured models and whether each is present locally")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    ls.set_defaults(run=run_list)
    dl = sub.add_parser("download", help="fetch a configured model into the local cache (needs network)")
    dl.add_argument("name", help="a configured model name (see `summarize models list`)")
    dl.set_defaults(run=run_download)


def _config() -> AbstractiveConfig:
    try:
        return AbstractiveConfig.from_env()
    except ValueError as exc:
        raise InvalidOption(f"bad abstractive configuration: {exc}", field="environment") from None


def run_list(args: argparse.Namespace) -> int:
    """Print the configured models (name, default, present, source)."""
    _config()  # a bad configuration is an error here, not an empty list
    rows = [{"method": method.name, **model} for method in default_registry() for model in method.models()]
    if args.json:
        print_json(rows)
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        mark = "*" if r["default"] else " "
        state = "present" if r["present"] else "absent "
        print(f"{mark} {r['name']:<{width}}  {state}  {r['source']}")
    print("(* default; fetch an absent model with: summarize models download NAME)")
    return 0


def run_download(args: argparse.Namespace) -> int:
    """Fetch the named model into the local cache and print where it is.

    Raises:
        InvalidOption: a name that is not configured. ModelError: the download failed.
    """
    spec = _config().spec(args.name)
    if not getattr(args, "debug", False):  # one error line instead of a warning per retry
        logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
    path = download(spec)
    print(f"{spec.name}: {spec.source} is present at {path}")
    return 0

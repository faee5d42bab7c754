"""``summarize models list|download NAME|convert NAME``: the configured abstractive models.

``list`` shows each configured model, its source, whether it is on this machine and whether
it is converted for CTranslate2 (no network, no model load), as the methods themselves report
them (:meth:`Method.models`). ``download NAME`` fetches a configured model into the local
Hugging Face cache (the only command that uses the network; the Docker build runs it) and
converts it for CTranslate2 when ``ctranslate2`` is installed; ``convert NAME`` converts a
model already here.
"""

from __future__ import annotations

import argparse
import logging

from ..methods.abstractive.config import QUANTIZATIONS
from ..methods.abstractive.convert import convert, ctranslate2_installed
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
    dl.add_argument("--no-convert", action="store_true",
                    help="do not convert it for CTranslate2 (converted by default when ctranslate2 is installed)")
    _add_quantization(dl)
    dl.set_defaults(run=run_download)
    cv = sub.add_parser("convert", help="convert a model already here for the CTranslate2 backend",
                        description="Convert a configured model in the local cache (or directory) with "
                                    "CTranslate2's converter into SUMMARIZE_CT2_DIR (default $HF_HOME/ctranslate2).")
    cv.add_argument("name", help="a configured model name (see `summarize models list`)")
    cv.add_argument("--force", action="store_true", help="convert again even when a converted copy exists")
    _add_quantization(cv)
    cv.set_defaults(run=run_convert)


def _add_quantization(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quantization", choices=QUANTIZATIONS, default=None,
                   help="weight type of the converted model (default SUMMARIZE_CT2_QUANTIZATION, else int8)")


def run_list(args: argparse.Namespace) -> int:
    """Print the configured models (name, default, present, source)."""
    registry = default_registry(config=args.config)
    rows = [{"method": method.name, **model} for method in registry for model in method.models()]
    if args.json:
        print_json(rows)
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        mark = "*" if r.get("default") else " "
        state = "present" if r.get("present") else "absent "
        ct2 = "ct2" if r.get("converted") else "   "
        print(f"{mark} {r['name']:<{width}}  {state}  {ct2}  {r['source']}")
    print("(* default; ct2: converted for CTranslate2; fetch an absent model with: summarize models download NAME)")
    return 0


def run_download(args: argparse.Namespace) -> int:
    """Fetch the named model into the local cache and print where it is.

    Raises:
        InvalidOption: a name that is not configured. ModelError: the download failed.
    """
    spec = args.config.abstractive.spec(args.name)
    if not getattr(args, "debug", False):  # one error line instead of a warning per retry
        logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
    path = download(spec)
    print(f"{spec.name}: {spec.source} is present at {path}")
    if args.no_convert:
        return 0
    if not ctranslate2_installed():
        print(f"{spec.name}: not converted for CTranslate2 (ctranslate2 is not installed)")
        return 0
    config = args.config.abstractive
    print(f"{spec.name}: converted for CTranslate2 at {convert(spec, config, quantization=args.quantization)}")
    return 0


def run_convert(args: argparse.Namespace) -> int:
    """Convert the named model (already on this machine) for CTranslate2 and print where.

    Raises:
        InvalidOption: a name that is not configured. MethodUnavailable: ctranslate2 missing or
        the model absent. ModelError: the conversion failed.
    """
    config = args.config.abstractive
    spec = config.spec(args.name)
    path = convert(spec, config, quantization=args.quantization, force=args.force)
    print(f"{spec.name}: converted for CTranslate2 at {path}")
    return 0

"""``summarize methods``: every method, its kind and whether it can run here."""

from __future__ import annotations

import argparse

from ..registry import default_registry
from .common import print_json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``methods`` command."""
    p = subparsers.add_parser("methods", help="list the methods and whether each is available")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the methods as a table, or as JSON."""
    described = default_registry(config=args.config).describe()
    if args.json:
        print_json([{k: m[k] for k in ("name", "kind", "description", "available", "reason", "fix",
                                       "parameters")} for m in described])
        return 0
    width = max(len(m["name"]) for m in described)
    for m in described:
        status = "available" if m["available"] else f"UNAVAILABLE: {m['reason']}"
        print(f"{m['name']:<{width}}  {m['kind']:<11}  {m['description']}  [{status}]")
        if not m["available"] and m["fix"]:
            print(f"{'':<{width}}  {'':<11}  fix: {m['fix']}")
    return 0

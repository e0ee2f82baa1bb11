"""Command line: `python -m tiktok_claims publish` writes figures and summaries."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each step is "module:function", called with no arguments after `dbt build`.
PUBLISH_STEPS: list[str] = []


def publish() -> None:
    for step in PUBLISH_STEPS:
        module, func = step.split(":")
        print(f"publish: {step}", flush=True)
        getattr(importlib.import_module(module), func)()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tiktok-claims")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("publish", help="write figures and executive summaries from the warehouse")
    args = parser.parse_args(argv)
    try:
        if args.command == "publish":
            publish()
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0

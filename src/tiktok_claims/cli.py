"""Command line: `publish` writes figures and summaries; `synth` writes a synthetic dataset."""

from __future__ import annotations

import argparse
import importlib
import sys

from tiktok_claims import synthetic

# Each step is "module:function", called with no arguments after `dbt build`.
PUBLISH_STEPS: list[str] = [
    "tiktok_claims.figures:write_figures",
    "tiktok_claims.summaries.eda:write",
    "tiktok_claims.summaries.verified_vs_unverified:write",
    "tiktok_claims.summaries.verified_regression:write",
    "tiktok_claims.summaries.claim_classifier:write",
]


def publish() -> None:
    for step in PUBLISH_STEPS:
        module, func = step.split(":")
        print(f"publish: {step}", flush=True)
        getattr(importlib.import_module(module), func)()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tiktok-claims")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("publish", help="write figures and executive summaries from the warehouse")
    synth = sub.add_parser("synth", help="write a synthetic dataset (CSV, or Parquet by suffix)")
    synth.add_argument("--rows", type=int, default=synthetic.DEFAULT_ROWS)
    synth.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    synth.add_argument("--out", default=synthetic.DEFAULT_PATH)
    args = parser.parse_args(argv)
    try:
        if args.command == "publish":
            publish()
        elif args.command == "synth":
            print(synthetic.write(args.out, rows=args.rows, seed=args.seed))
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0

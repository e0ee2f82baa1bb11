"""Command line: `publish` writes figures and summaries; `synth` writes a synthetic dataset;
`score` scores a raw-schema file with the saved champion."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor

from tiktok_claims import synthetic

# Each step is "module:function", called with no arguments after `dbt build`.
FIGURES_STEP = "tiktok_claims.figures:write_figures"
PUBLISH_STEPS: list[str] = [
    FIGURES_STEP,
    "tiktok_claims.summaries.eda:write",
    "tiktok_claims.summaries.verified_vs_unverified:write",
    "tiktok_claims.summaries.verified_regression:write",
    "tiktok_claims.summaries.claim_classifier:write",
]


# exit status of `publish` when the warehouse lacks a table it reads (a partial build)
MISSING_TABLE = 3


class MissingTableError(LookupError):
    """The warehouse lacks a table a figure or summary reads."""


def publish(progress: bool = False, figures: bool = True) -> None:
    """Run the publish steps; `figures=False` skips the figures (a build that drew them)."""
    import duckdb

    for step in [s for s in PUBLISH_STEPS if figures or s != FIGURES_STEP]:
        module, func = step.split(":")
        if progress:
            print(f"publish: {step}", flush=True)
        try:
            getattr(importlib.import_module(module), func)()
        except duckdb.CatalogException as exc:
            first = str(exc).splitlines()[0].removeprefix("Catalog Error: ")
            raise MissingTableError(f"{step.split(':')[0]}: {first}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tiktok-claims")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("publish", help="write figures and executive summaries from the warehouse")
    synth = sub.add_parser("synth", help="write a synthetic dataset (CSV, or Parquet by suffix)")
    synth.add_argument("--rows", type=int, help=f"default {synthetic.DEFAULT_ROWS:,}")
    synth.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    synth.add_argument("--out", help="file, or folder for --batch (default: the inbox)")
    synth.add_argument(
        "--batch", type=int, metavar="DAY", help="write day DAY's inbox batch (with hostile rows)"
    )
    synth.add_argument(
        "--decisions",
        action="store_true",
        help="decide the warehouse's review_today list as a moderator would (synthetic data "
        "only) and append to CLAIMS_DECISIONS, with two bad rows",
    )
    score = sub.add_parser(
        "score",
        help="score a raw-schema CSV/Parquet file with the saved champion (never retrains)",
        description="Writes video_id, claim_probability, predicted_label (claim when "
        "claim_probability >= 0.5), model_version, needs_manual_review and its reason; "
        "rejected rows go to <out>.rejected.csv with their reasons.",
    )
    score.add_argument("file", nargs="?", help="a raw-schema CSV or Parquet file (DuckDB engine)")
    score.add_argument("--out", help="output path; .parquet writes Parquet, else CSV")
    score.add_argument(
        "--model-dir", help="folder of the saved champion (default: warehouse/models)"
    )
    score.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="spark: score the staged reports of the Spark warehouse (no FILE) into "
        "ml.report_scores there, in mapInPandas",
    )
    sub.add_parser(
        "header",
        help="check the headers of the raw file and the inbox batches and print them as dbt "
        "vars (JSON), for `dbt build --target spark --vars ...`",
    )
    args = parser.parse_args(argv)
    if args.command == "score":
        return _score(args)
    try:
        if args.command == "header":
            from tiktok_claims import ingest

            print(json.dumps(ingest.header_vars()))
        elif args.command == "publish":
            publish(progress=True)
        elif args.command == "synth":
            print(_synth(args))
    except MissingTableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return MISSING_TABLE
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _score(args) -> int:
    if args.engine == "spark":
        return _score_spark(args)
    if args.file is None:
        print("error: score needs a FILE (or --engine spark)", file=sys.stderr)
        return 1
    import duckdb

    from tiktok_claims import ingest

    # DuckDB stages the file on its own threads (the interpreter lock is free) while
    # scikit-learn, skops and the model load: 1.2 s of the 5.6 s both took at 1M rows,
    # measured. Imported here: `publish` and `synth` do not need scikit-learn.
    with duckdb.connect() as con, ThreadPoolExecutor(1) as pool:
        staging = pool.submit(ingest.stage_file, args.file, con)
        try:
            from tiktok_claims.ml import persist, scoring

            try:
                out, rows, rejected = scoring.score_file(
                    args.file, args.out, args.model_dir, con=con, staging=staging
                )
            except (FileNotFoundError, ValueError, persist.ModelMismatchError) as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
        finally:
            con.interrupt()  # after an error: stop the staging rather than wait for it
    print(f"{args.file}: {rows:,} rows scored -> {out}", file=sys.stderr)
    if len(rejected):
        reasons = rejected["rejection_reason"].value_counts()
        detail = ", ".join(f"{reason} ({n:,})" for reason, n in reasons.items())
        print(
            f"{args.file}: {len(rejected):,} rows rejected and not scored: {detail} "
            f"-> {out.with_name(out.stem + '.rejected.csv')}",
            file=sys.stderr,
        )
    return 0


def _synth(args):
    from tiktok_claims import inbox

    if args.batch is not None:
        folder = args.out or inbox.inbox_dir()
        return synthetic.write_batch(folder, args.batch, rows=args.rows or 1000, seed=args.seed)
    if args.decisions:
        return synthetic.write_decisions(args.out, rows=args.rows)
    rows = args.rows or synthetic.DEFAULT_ROWS
    return synthetic.write(args.out or synthetic.DEFAULT_PATH, rows=rows, seed=args.seed)


def _score_spark(args) -> int:
    from tiktok_claims import spark
    from tiktok_claims.ml import persist

    if args.file is not None:
        print(
            "error: --engine spark scores the Spark warehouse's staged reports, not a FILE",
            file=sys.stderr,
        )
        return 1
    try:
        table, rows = spark.score_warehouse(args.model_dir)
    except (FileNotFoundError, ValueError, persist.ModelMismatchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{rows:,} staged reports scored -> {table} (Spark warehouse)", file=sys.stderr)
    return 0

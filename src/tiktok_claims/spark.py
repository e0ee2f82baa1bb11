"""The spark target outside dbt: the session dbt-spark opens, and batch scoring as a Spark job.

Needs the `[spark]` extra (pyspark, dbt-spark) and Java 17. The session's settings are the
spark target's `server_side_parameters` in profiles.yml, rendered as dbt renders them, so
this code and `dbt build --target spark` open the same warehouse (CLAIMS_SPARK_DIR).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from tiktok_claims.ml import features as F

PROFILES = Path(__file__).resolve().parents[2] / "profiles.yml"
SCORES_TABLE = "ml.report_scores"
SCORE_COLUMNS = (
    "video_id bigint, claim_probability double, predicted_label string, model_version string"
)


def session_settings() -> dict[str, str]:
    """The spark target's server_side_parameters, with env_var() rendered by dbt."""
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    set_invocation_context(os.environ)  # what env_var() reads, as in a dbt run
    profile = yaml.safe_load(PROFILES.read_text())["tiktok_claims"]["outputs"]["spark"]
    rendered = ProfileRenderer({}).render_data(profile["server_side_parameters"])
    return {key: str(value) for key, value in rendered.items()}


def session():
    """The SparkSession of the spark target (the one already open in this process, if any)."""
    # Python workers (mapInPandas) run this interpreter, which has the package and its pins
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in session_settings().items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def score_batches(model, card: dict):
    """The mapInPandas function: each batch of staged rows scored by scoring.score_staged, the
    code `tiktok-claims score` runs, so the probabilities are the DuckDB path's."""
    from tiktok_claims.ml import scoring

    def score(batches):
        for batch in batches:
            with duckdb.connect() as con:
                con.register("batch", batch)
                con.sql("create temp table rows as select * from batch")
                scored = scoring.score_staged(con, model, card)
            yield scored[["video_id", "claim_probability", "predicted_label", "model_version"]]

    return score


def score_warehouse(model_dir=None, spark=None) -> tuple[str, int]:
    """Score every staged report of the Spark warehouse (marts.claim_features, one row per
    staged video) with the saved, hash-checked champion; write ml.report_scores as Parquet.
    Returns (table, rows)."""
    from pyspark.sql import functions as sf

    from tiktok_claims.ml import persist

    model, card = persist.load(model_dir)
    spark = spark if spark is not None else session()
    if not spark.catalog.tableExists("marts.claim_features"):
        raise FileNotFoundError(
            "the Spark warehouse has no marts.claim_features; run `make build-spark` first"
        )
    numeric = F.FEATURE_SETS[card["feature_set"]].numeric
    rows = spark.table("marts.claim_features").select(
        "source_row_number",
        sf.lit(None).cast("string").alias("rejection_reason"),
        F.ID_COLUMN,
        F.TEXT_COLUMN,
        *numeric,
    )
    scores = rows.mapInPandas(score_batches(model, card), SCORE_COLUMNS)
    spark.sql("create database if not exists ml")
    scores.write.mode("overwrite").format("parquet").saveAsTable(SCORES_TABLE)
    return SCORES_TABLE, spark.table(SCORES_TABLE).count()


def read_table(name: str, spark=None) -> pd.DataFrame:
    """A table of the Spark warehouse as pandas."""
    spark = spark if spark is not None else session()
    return spark.table(name).toPandas()

"""Batch scoring: stream feature rows out of DuckDB, score them, write Parquet.

Memory stays bounded by the batch size, however long the input is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tiktok_claims.ml import features as F
from tiktok_claims.ml.train import THRESHOLD, label_names

COLUMNS = [F.ID_COLUMN, *F.FEATURE_SETS["all"].input_columns]


def score_frame(model, frame: pd.DataFrame) -> pd.DataFrame:
    """video_id, claim_probability and predicted_label for feature-mart rows."""
    p = model.predict_proba(F.prepare(frame))[:, 1]
    return pd.DataFrame(
        {
            F.ID_COLUMN: frame[F.ID_COLUMN].to_numpy(),
            "claim_probability": p,
            "predicted_label": label_names(p >= THRESHOLD),
        }
    )


def score_batches(
    con: duckdb.DuckDBPyConnection, relation: str, model, batch_size: int = 200_000
) -> Iterator[pd.DataFrame]:
    """Score `relation` (a table name with the feature-mart columns) batch by batch."""
    columns = ", ".join(COLUMNS)
    reader = con.sql(f"select {columns} from {relation}").to_arrow_reader(batch_size)
    for batch in reader:
        yield score_frame(model, batch.to_pandas())


def score_to_parquet(
    con: duckdb.DuckDBPyConnection, relation: str, model, out: Path, batch_size: int = 200_000
) -> int:
    """Write predictions for every row of `relation` to `out`; returns the row count."""
    schema = pa.schema(
        [
            (F.ID_COLUMN, pa.int64()),
            ("claim_probability", pa.float64()),
            ("predicted_label", pa.string()),
        ]
    )
    rows = 0
    with pq.ParquetWriter(out, schema) as writer:
        for scored in score_batches(con, relation, model, batch_size):
            scored["claim_probability"] = scored["claim_probability"].astype(np.float64)
            writer.write_table(pa.Table.from_pandas(scored, schema=schema, preserve_index=False))
            rows += len(scored)
    return rows

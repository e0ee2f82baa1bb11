"""The daily run's Python steps: score new inbox batches with the saved champion.

Never trains: the champion is loaded with persist.load (refused when its file differs from
the hash on its card), and scoring.score_staged scores the rows DuckDB staged.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from tiktok_claims.processes import imported

MODULES = ("features", "persist", "scoring")
SCORE_COLUMNS = {
    "batch_id": "string",
    "video_id": "Int64",
    "claim_probability": "float64",
    "predicted_label": "string",
    "model_version": "string",
    "needs_manual_review": "boolean",
    "manual_review_reason": "string",
}


def score_batches(
    con: duckdb.DuckDBPyConnection, staged: duckdb.DuckDBPyRelation, done: str | None
) -> pd.DataFrame:
    """Scores of the staged rows of every batch not in `done` (a query of batch ids)."""
    staged.create_view("daily_staged", replace=True)
    pending = "" if done is None else f"where batch_id not in ({done})"
    batches = [
        b for (b,) in con.sql(f"select distinct batch_id from daily_staged {pending}").fetchall()
    ]
    frames = [pd.DataFrame({c: pd.Series(dtype=t) for c, t in SCORE_COLUMNS.items()})]
    if batches:
        # loaded for a batch to score only: a build with an empty inbox keeps scikit-learn and
        # skops out of dbt's process (1.6 s)
        F, persist, scoring = (imported(f"tiktok_claims.ml.{m}") for m in MODULES)
        champion, card = persist.load()
    for batch in sorted(batches):
        con.execute(
            f"""
            create or replace temp table rows as
            select
                source_row_number, cast(null as varchar) as rejection_reason,
                {F.ID_COLUMN}, {F.TEXT_COLUMN},
                cast(is_verified as integer) as verified_status__verified,
                video_duration_sec
            from daily_staged where batch_id = ?
            """,
            [batch],
        )
        scored = scoring.score_staged(con, champion, card).assign(batch_id=batch)
        frames.append(scored.astype(SCORE_COLUMNS)[list(SCORE_COLUMNS)])
    return pd.concat(frames, ignore_index=True)

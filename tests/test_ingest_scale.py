"""Staging a file larger than DuckDB's memory limit spills to disk instead of failing."""

from __future__ import annotations

import duckdb
from conftest import run_dbt

from tiktok_claims import ingest, synthetic

ROWS = 2_000_000


def test_staging_completes_with_a_memory_limit_below_the_file_size(tmp_path):
    path = synthetic.write(tmp_path / "big.csv", rows=ROWS)
    size_mb = path.stat().st_size / 1e6
    assert size_mb > 250
    work = tmp_path / "work"
    run_dbt(["seed"], path, work)
    # profiles.yml reads the limit from CLAIMS_DUCKDB_MEMORY; a file 1.2x larger still stages
    build = run_dbt(["run", "--select", "staging"], path, work, CLAIMS_DUCKDB_MEMORY="250MB")
    with build.connect() as con:
        [(staged,)] = con.sql("select count(*) from staging.stg_tiktok__videos").fetchall()
        [(rejected,)] = con.sql(
            "select count(*) from staging.stg_tiktok__videos_rejected"
        ).fetchall()
        # record numbers follow the file at a size DuckDB reads on parallel threads: the
        # synthetic file's '#' column is the record number
        [(out_of_order,)] = con.sql(
            "select count(*) from staging.stg_tiktok__videos where row_id != source_row_number"
        ).fetchall()
    assert staged + rejected == ROWS
    assert rejected == 0
    assert out_of_order == 0
    # the same SQL outside dbt (the score command's staging)
    with duckdb.connect() as con:
        staged_file = ingest.stage_file(path, con)
        [(n, out_of_order)] = staged_file.staged.aggregate(
            "count(*), count(*) filter (where row_id != source_row_number)"
        ).fetchall()
    assert (n, out_of_order) == (ROWS, 0)

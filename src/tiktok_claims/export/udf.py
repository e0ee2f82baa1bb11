"""The bridge from dbt to the exporter: a DuckDB function the on-run-end hook calls.

dbt runs no Python in hooks; a dbt-duckdb plugin's `configure_connection` is its documented
place to add Python to the connection. The plugin registers `tiktok_claims_export(target_path)`;
the `export_release` macro calls it once the build has succeeded, with nothing but the
folder where dbt wrote this run's manifest.json. The exporter reads the model docs from that
manifest and the tables from the warehouse. A Python error becomes a SQL error, so the hook
(and `dbt build`) fails.
"""

from __future__ import annotations

import logging
import weakref
from pathlib import Path

import duckdb

from tiktok_claims.export.core import export_warehouse, log, models_from_manifest
from tiktok_claims.paths import exports_dir

FUNCTION = "tiktok_claims_export"


def register(conn: duckdb.DuckDBPyConnection, handler: logging.Handler | None = None) -> None:
    # a weak reference: a closure holding the connection it is registered on never frees it
    owner = weakref.ref(conn)
    log.setLevel(logging.INFO)

    def export(target_path: str) -> str:
        conn = owner()
        if conn is None:
            raise RuntimeError("the dbt connection is closed")
        models = models_from_manifest(Path(target_path) / "manifest.json")
        if handler is not None:
            # dbt's log only: no second copy through the root logger
            log.addHandler(handler)
            log.propagate = False
        try:
            with conn.cursor() as con:
                tables = export_warehouse(con, models, exports_dir())
        finally:
            if handler is not None:
                log.removeHandler(handler)
                log.propagate = True
        return f"exported {len(tables)} tables to {exports_dir()}"

    conn.create_function(
        FUNCTION,
        export,
        [duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"),
        side_effects=True,
    )

"""The bridge from dbt to the exporter: a DuckDB function the on-run-end hook calls.

The dbt plugin registers `tiktok_claims_export(models_json)` on its connection; the
`export_contract_tables` macro calls it with the project's model docs once the build has
succeeded. A Python error becomes a SQL error, so the hook (and `dbt build`) fails.
"""

from __future__ import annotations

import json
import logging
import weakref

import duckdb

from tiktok_claims.export.core import export_warehouse, log
from tiktok_claims.paths import exports_dir

FUNCTION = "tiktok_claims_export"


def register(conn: duckdb.DuckDBPyConnection, handler: logging.Handler | None = None) -> None:
    # a weak reference: a closure holding the connection it is registered on never frees it
    owner = weakref.ref(conn)
    log.setLevel(logging.INFO)

    def export(models_json: str) -> str:
        conn = owner()
        if conn is None:
            raise RuntimeError("the dbt connection is closed")
        if handler is not None:
            # dbt's log only: no second copy through the root logger
            log.addHandler(handler)
            log.propagate = False
        try:
            with conn.cursor() as con:
                tables = export_warehouse(con, json.loads(models_json), exports_dir())
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

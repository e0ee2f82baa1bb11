"""The bridge from dbt to the exporter and the release: DuckDB functions the on-run-end hook calls.

dbt runs no Python in hooks; a dbt-duckdb plugin's `configure_connection` is its documented
place to add Python to the connection. The plugin registers `tiktok_claims_export(target_path)`
and `tiktok_claims_release()`; the `export_release` macro calls the first once the build has
succeeded, with nothing but the folder where dbt wrote this run's manifest.json, and the
second after it has checkpointed and detached the build's warehouse. The exporter reads the
model docs from that manifest and the tables from the warehouse, and writes into the build's
release folder; the release step adds figures and summaries and flips `current`. A Python
error becomes a SQL error, so the hook (and `dbt build`) fails and nothing is released.
"""

from __future__ import annotations

import logging
import weakref
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tiktok_claims.export import release
from tiktok_claims.export.core import log, models_from_manifest, write_exports
from tiktok_claims.paths import exports_dir, warehouse_path

FUNCTION = "tiktok_claims_export"
RELEASE_FUNCTION = "tiktok_claims_release"


def register(conn: duckdb.DuckDBPyConnection, handler: logging.Handler | None = None) -> None:
    # a weak reference: a closure holding the connection it is registered on never frees it
    owner = weakref.ref(conn)
    log.setLevel(logging.INFO)

    @contextmanager
    def to_dbt_log():
        if handler is not None:
            # dbt's log only: no second copy through the root logger
            log.addHandler(handler)
            log.propagate = False
        try:
            yield
        finally:
            if handler is not None:
                log.removeHandler(handler)
                log.propagate = True

    def export(target_path: str, database: str) -> str:
        conn = owner()
        if conn is None:
            raise RuntimeError("the dbt connection is closed")
        models = models_from_manifest(Path(target_path) / "manifest.json")
        with to_dbt_log(), conn.cursor() as con:
            con.execute(f'use "{database}"')  # dbt qualifies names; the exporter doesn't
            tables = write_exports(con, models, release.build_dir(exports_dir()))
        return f"exported {len(tables)} tables"

    def publish() -> str:
        with to_dbt_log():
            return f"released {release.finish(exports_dir(), warehouse_path())}"

    conn.create_function(
        FUNCTION,
        export,
        [duckdb.sqltype("VARCHAR"), duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"),
        side_effects=True,
    )
    conn.create_function(
        RELEASE_FUNCTION, publish, [], duckdb.sqltype("VARCHAR"), side_effects=True
    )

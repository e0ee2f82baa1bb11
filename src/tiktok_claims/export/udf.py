"""The bridge from dbt to the exporter and the release: DuckDB functions the on-run-end hook calls.

dbt runs no Python in hooks; a dbt-duckdb plugin's `configure_connection` is its documented
place to add Python to the connection. The plugin registers `tiktok_claims_release(target_path)`,
which the `export_release` macro calls once the build has succeeded and its warehouse is
checkpointed and detached, with nothing but the folder where dbt wrote this run's
manifest.json. The exporter reads the model docs from that manifest and the tables from the
warehouse (read-only) and writes into the build's release folder while the figures and
summaries are drawn; then `current` flips. A Python error becomes a SQL error, so the hook
(and `dbt build`) fails and nothing is released.
"""

from __future__ import annotations

import logging
import tempfile
import weakref
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tiktok_claims.export import release
from tiktok_claims.export.core import log, models_from_manifest, write_exports
from tiktok_claims.paths import exports_dir, warehouse_path

RELEASE_FUNCTION = "tiktok_claims_release"
SETTINGS = "select name, value from duckdb_settings() where name in ('memory_limit', 'threads')"


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

    def publish(target_path: str) -> str:
        models = models_from_manifest(Path(target_path) / "manifest.json")
        exported = []
        with owner().cursor() as dbt_con:  # the profile's limits hold for the export too
            config = dict(dbt_con.sql(SETTINGS).fetchall())

        def export(db: Path) -> None:
            # its own spill folder: not the build's (another instance's files), not beside db
            with (
                tempfile.TemporaryDirectory(prefix="tiktok_claims_export_") as spill,
                duckdb.connect(
                    str(db), read_only=True, config=config | {"temp_directory": spill}
                ) as con,
            ):
                exported.extend(write_exports(con, models, release.build_dir(exports_dir())))

        with to_dbt_log():
            done = release.finish(exports_dir(), warehouse_path(), export)
        return f"exported {len(exported)} tables; released {done}"

    conn.create_function(
        RELEASE_FUNCTION,
        publish,
        [duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"),
        side_effects=True,
    )

"""Tableau extracts (.hyper + .tds) and Parquet files of every marts/stats/ml table.

Runs inside `dbt build` (on-run-end hook -> DuckDB UDF registered by the dbt plugin) and
writes every file atomically: all files are staged beside their targets, verified, and only
then renamed into place, so a failure leaves the previous exports as they were.
"""

from tiktok_claims.export.core import (
    EXPORT_SCHEMAS,
    ROW_LEVEL_TABLES,
    ExportError,
    ExportTable,
    export_warehouse,
)

__all__ = [
    "EXPORT_SCHEMAS",
    "ROW_LEVEL_TABLES",
    "ExportError",
    "ExportTable",
    "export_warehouse",
]

"""What is exported: tables, columns, and the types Tableau reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

AGGREGATE_EXTRACT = "tiktok_claims"
ROW_LEVEL_EXTRACT = "row_level"
# meta tableau_extract: none -> Parquet only (a log that grows with history: the extracts are
# rewritten whole every day)
NO_EXTRACT = "none"

# The DuckDB types Tableau reads, and what each becomes in Hyper. Not HUGEINT (sum() of
# integers) or DECIMAL: Hyper's default file format rejects them or turns them into doubles.
TABLEAU_TYPES = {
    "BIGINT": "BIG_INT",
    "INTEGER": "INT",
    "DOUBLE": "DOUBLE",
    "VARCHAR": "TEXT",
    "BOOLEAN": "BOOL",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP_TZ",
}
_TYPE_ALIASES = {
    "INT8": "BIGINT",
    "LONG": "BIGINT",
    "INT": "INTEGER",
    "INT4": "INTEGER",
    "FLOAT8": "DOUBLE",
    "DOUBLE PRECISION": "DOUBLE",
    "REAL": "FLOAT",
    "FLOAT4": "FLOAT",
    "TEXT": "VARCHAR",
    "STRING": "VARCHAR",
    "BOOL": "BOOLEAN",
    "DATETIME": "TIMESTAMP",
    "TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE",
    "NUMERIC": "DECIMAL",
}


class ExportError(RuntimeError):
    """An export failed; the message names the table. Previous exports are unchanged."""


def normalise_type(name: str) -> str:
    """'decimal(18,3)' -> 'DECIMAL', 'int8' -> 'BIGINT': compare declared and actual types."""
    base = re.sub(r"\(.*\)", "", name).strip().upper()
    return _TYPE_ALIASES.get(base, base)


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str
    description: str = ""


@dataclass
class ExportTable:
    """One warehouse table and where it goes."""

    schema: str
    name: str
    columns: list[Column]
    description: str = ""
    extract: str = AGGREGATE_EXTRACT  # or ROW_LEVEL_EXTRACT, or NO_EXTRACT (Parquet only)
    # filled while exporting: row count and per-column non-null counts in DuckDB
    stats: tuple[int, list[int]] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def sql_name(self) -> str:
        return f'"{self.schema}"."{self.name}"'

"""Read the raw claims file (CSV or Parquet) into an all-text Arrow table.

This layer handles file-level concerns only: finding and recognising the file,
matching columns by name, numbering rows in file order. Value-level checks
(types, categories, duplicates) happen in SQL staging, where rejected rows are
quarantined with a reason.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb
import pyarrow as pa

log = logging.getLogger(__name__)

DEFAULT_DATASET = "data/sample/tiktok_synthetic.csv"

REQUIRED_COLUMNS = (
    "claim_status",
    "video_id",
    "video_duration_sec",
    "video_transcription_text",
    "verified_status",
    "author_ban_status",
    "video_view_count",
    "video_like_count",
    "video_share_count",
    "video_download_count",
    "video_comment_count",
)
# Headers that mean "the row number": '#', 'id', or an unnamed index column
# (DuckDB calls an empty header column0; pandas writes 'Unnamed: 0').
ROW_ID_HEADERS = ("#", "id", "", "column0", "column00", "unnamed: 0")
OUTPUT_COLUMNS = ("source_row_number", "row_id", *REQUIRED_COLUMNS)


class IngestError(ValueError):
    """The raw file cannot be read as a claims dataset; the message says why."""


def dataset_path() -> str:
    """The raw file chosen by CLAIMS_DATASET, or the bundled synthetic sample."""
    return os.environ.get("CLAIMS_DATASET") or DEFAULT_DATASET


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def _looks_binary(path: Path) -> bool:
    with path.open("rb") as fh:
        return b"\x00" in fh.read(64 * 1024)


def _reader_sql(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if _is_parquet(path):
        return f"select * from read_parquet('{quoted}')"
    if _looks_binary(path):
        raise IngestError(f"{path}: not a CSV or Parquet file (binary content)")
    # A fixed dialect: the sniffer can mistake a ragged file for one wide column.
    return (
        f"select * from read_csv('{quoted}', all_varchar = true, header = true, "
        "delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8')"
    )


def _match_columns(names: list[str], path: Path) -> tuple[dict[str, str], str | None]:
    """Map canonical column -> source column, by normalised name."""
    normalised = {}
    for name in names:
        normalised.setdefault(name.replace("\ufeff", "").strip().lower(), name)
    missing = [c for c in REQUIRED_COLUMNS if c not in normalised]
    if missing:
        raise IngestError(
            f"{path}: missing required column(s): {', '.join(missing)} (found: {', '.join(names)})"
        )
    row_id = next((normalised[h] for h in ROW_ID_HEADERS if h in normalised), None)
    known = set(REQUIRED_COLUMNS) | set(ROW_ID_HEADERS)
    extra = [original for norm, original in normalised.items() if norm not in known]
    if extra:
        log.warning("%s: ignoring extra column(s): %s", path, ", ".join(extra))
    return {c: normalised[c] for c in REQUIRED_COLUMNS}, row_id


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_raw(path: str | os.PathLike | None = None) -> pa.Table:
    """Return the file as text columns named as in OUTPUT_COLUMNS, in file order."""
    path = Path(path if path is not None else dataset_path())
    if not path.is_file():
        raise IngestError(f"{path}: file not found (set CLAIMS_DATASET to a CSV or Parquet file)")
    con = duckdb.connect()
    try:
        rel = con.sql(_reader_sql(path))
        mapping, row_id = _match_columns(rel.columns, path)
        row_id_sql = f"cast({_ident(row_id)} as varchar)" if row_id else "cast(null as varchar)"
        selects = [f"{row_id_sql} as row_id"] + [
            f"cast({_ident(src)} as varchar) as {canon}" for canon, src in mapping.items()
        ]
        table = rel.select(", ".join(selects)).to_arrow_table()
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        raise IngestError(f"{path}: cannot be read as CSV or Parquet: {first_line}") from exc
    finally:
        con.close()
    # insertion order is preserved, so this is the position in the file
    numbers = pa.array(range(1, table.num_rows + 1), type=pa.int64())
    return table.add_column(0, "source_row_number", numbers)

"""Read the raw claims file (CSV or Parquet) into an all-text Arrow table.

This layer handles file-level concerns only: finding and recognising the file,
matching columns by name, numbering rows in file order. Value-level checks
(types, categories, duplicates) happen in SQL staging, where rejected rows are
quarantined with a reason.
"""

from __future__ import annotations

import csv
import logging
import os
from pathlib import Path

import duckdb
import pyarrow as pa

from tiktok_claims.paths import DEFAULT_DATASET

log = logging.getLogger(__name__)

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
# Headers that mean "the row number": '#' or 'id' anywhere, or an unnamed first column
# (an empty name, pandas' 'Unnamed: 0' in CSV or '__index_level_0__' in Parquet).
ROW_ID_HEADERS = ("#", "id")
UNNAMED_INDEX_HEADERS = ("", "unnamed: 0", "__index_level_0__")
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


def _csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        return next(csv.reader(fh), [])


def _source(
    con: duckdb.DuckDBPyConnection, path: Path
) -> tuple[duckdb.DuckDBPyRelation, list[tuple[str, str]]]:
    """The file as a relation, and (header name, column reference) pairs in header order."""
    quoted = str(path).replace("'", "''")
    if _is_parquet(path):
        rel = con.sql(f"select * from read_parquet('{quoted}')")
        return rel, [(name, _ident(name)) for name in rel.columns]
    if _looks_binary(path):
        raise IngestError(f"{path}: not a CSV or Parquet file (binary content)")
    # Our own header parse and a fixed dialect, all text: no sniffing, so a ragged row is
    # reported by line number and duplicate or empty header names cannot clash.
    header = _csv_header(path)
    refs = {f"c{i}": "VARCHAR" for i in range(len(header))}
    rel = con.sql(
        f"select * from read_csv('{quoted}', columns = {refs}, header = true, "
        "auto_detect = false, delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8')"
    )
    return rel, list(zip(header, refs, strict=True))


def _match_columns(columns: list[tuple[str, str]], path: Path) -> tuple[dict[str, str], str | None]:
    """Map canonical column -> column reference, by normalised header name."""
    by_name: dict[str, list[str]] = {}
    for position, (name, ref) in enumerate(columns):
        norm = name.replace("\ufeff", "").strip().lower()
        if position == 0 and norm in UNNAMED_INDEX_HEADERS:
            norm = "#"
        by_name.setdefault(norm, []).append(ref)
    names = [name for name, _ in columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in by_name]
    if len(missing) == len(REQUIRED_COLUMNS):
        raise IngestError(
            f"{path}: not a claims CSV or Parquet file: its header has none of the expected "
            f"columns ({', '.join(REQUIRED_COLUMNS)})"
        )
    if missing:
        raise IngestError(
            f"{path}: missing required column(s): {', '.join(missing)} (found: {', '.join(names)})"
        )
    repeated = [c for c in (*REQUIRED_COLUMNS, *ROW_ID_HEADERS) if len(by_name.get(c, [])) > 1]
    if repeated:
        raise IngestError(f"{path}: column(s) named more than once: {', '.join(repeated)}")
    row_id = next((by_name[h][0] for h in ROW_ID_HEADERS if h in by_name), None)
    known = {*REQUIRED_COLUMNS, *ROW_ID_HEADERS}
    extra = [
        name or "(unnamed)"
        for position, (name, _) in enumerate(columns)
        if name.replace("\ufeff", "").strip().lower() not in known
        and not (position == 0 and name.strip().lower() in UNNAMED_INDEX_HEADERS)
    ]
    if extra:
        log.warning("%s: ignoring extra column(s): %s", path, ", ".join(extra))
    return {c: by_name[c][0] for c in REQUIRED_COLUMNS}, row_id


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _explain(exc: duckdb.Error) -> str:
    """DuckDB's first line, plus the field-count line of a CSV error; never its advice."""
    lines = str(exc).splitlines()
    detail = [line for line in lines[1:] if line.startswith("Expected Number of Columns")]
    return " ".join([lines[0], *detail]) if lines else type(exc).__name__


def read_raw(path: str | os.PathLike | None = None) -> pa.Table:
    """Return the file as text columns named as in OUTPUT_COLUMNS, in file order."""
    path = Path(path if path is not None else dataset_path())
    if not path.is_file():
        raise IngestError(f"{path}: file not found (set CLAIMS_DATASET to a CSV or Parquet file)")
    if path.stat().st_size == 0:
        raise IngestError(f"{path}: the file is empty")
    con = duckdb.connect()
    try:
        rel, columns = _source(con, path)
        mapping, row_id = _match_columns(columns, path)
        row_id_sql = f"cast({row_id} as varchar)" if row_id else "cast(null as varchar)"
        selects = [f"{row_id_sql} as row_id"] + [
            f"cast({ref} as varchar) as {canon}" for canon, ref in mapping.items()
        ]
        table = rel.select(", ".join(selects)).to_arrow_table()
    except duckdb.Error as exc:
        raise IngestError(f"{path}: cannot be read as CSV or Parquet: {_explain(exc)}") from exc
    finally:
        con.close()
    # insertion order is preserved, so this is the position in the file
    numbers = pa.array(range(1, table.num_rows + 1), type=pa.int64())
    return table.add_column(0, "source_row_number", numbers)

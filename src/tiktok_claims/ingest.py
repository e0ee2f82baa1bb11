"""The raw claims file: recognise it, read its header, and stage it with the dbt model's SQL.

Only the header is read here. DuckDB reads the rows, in SQL: the source `tiktok.videos`
(dbt_project/models/staging/_staging__sources.yml) is a `read_csv` call whose column list is
`header_columns()`'s answer, and the staging SQL is the Jinja in
dbt_project/macros/stage_videos.sql, which dbt runs as models and `stage_file` runs here.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import duckdb
import jinja2
import pyarrow as pa
import yaml

from tiktok_claims import inbox
from tiktok_claims.paths import DEFAULT_DATASET, DEFAULT_DECISIONS
from tiktok_claims.processes import pause_point
from tiktok_claims.reference import seed_rows

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCES_YML = REPO_ROOT / "dbt_project/models/staging/_staging__sources.yml"
STAGING_MACROS = REPO_ROOT / "dbt_project/macros/stage_videos.sql"
COLUMNS_VARIABLE = "tiktok_claims_columns"

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
# an unnamed first column is pandas' index: the row number when the file has no '#' or 'id'
UNNAMED_INDEX_HEADERS = ("", "unnamed:_0", "__index_level_0__")
HEAD_BYTES = 64 * 1024


class IngestError(ValueError):
    """The raw file cannot be read as a claims dataset; the message is one sentence saying why."""


@dataclass(frozen=True)
class FileShape:
    """What the header says: the format, and per file column (in order) the staged name."""

    path: Path
    format: str  # 'csv' or 'parquet'
    file_columns: tuple[str, ...]  # names as read (CSV: position-unique names we give them)
    staged_columns: tuple[str | None, ...]  # canonical name, or None for an ignored column
    warning: str | None


def dataset_path() -> str:
    """The raw file chosen by CLAIMS_DATASET, or the bundled synthetic sample."""
    return os.environ.get("CLAIMS_DATASET") or DEFAULT_DATASET


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "_", name.replace("\ufeff", "").strip().lower())


@cache
def _aliases() -> dict[str, str]:
    return {row["alias"]: row["column_name"] for row in seed_rows("column_aliases")}


def _kind_of_text(head: bytes, path: Path) -> None:
    """Raise when the first bytes show the file is not a CSV table."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")) or (
        text.startswith(b"<") and b"<html" in text
    ):
        raise IngestError(f"{path} looks like an HTML page, not a CSV file")
    if text.startswith((b"{", b"[")):
        what = (
            "a Jupyter notebook"
            if b'"cells"' in text or b'"nbformat"' in text
            else "a JSON document"
        )
        raise IngestError(f"{path} is {what}, not a CSV file")
    if head.startswith(b"PK\x03\x04"):
        raise IngestError(f"{path} is a ZIP archive (an Excel workbook?), not a CSV file")
    try:
        # a cut at the end of the sample may split one character: ignore the last 3 bytes
        head[: max(len(head) - 3, 0)].decode("utf-8")
        binary = b"\x00" in head
    except UnicodeDecodeError:
        control = sum(b < 9 or 13 < b < 32 for b in head)
        binary = b"\x00" in head or control > len(head) // 100
    if binary:
        raise IngestError(f"{path} holds binary content, not a CSV or Parquet file")


def _csv_header(path: Path) -> tuple[list[str], bool]:
    """The header's names, and whether any record follows it (in the first 64 KB)."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    _kind_of_text(head, path)
    reader = csv.reader(io.StringIO(head.decode("utf-8-sig", errors="replace"), newline=""))
    header = next(reader, [])
    try:
        has_rows = any(any(cell.strip() for cell in record) for record in reader)
    except csv.Error:
        has_rows = True
    return header, has_rows or len(head) == HEAD_BYTES


def _parquet_header(path: Path) -> tuple[list[str], bool]:
    quoted = str(path).replace("'", "''")
    try:
        with duckdb.connect() as con:
            rows = con.sql(
                f"select name from parquet_schema('{quoted}') where num_children is null"
            )
            names = [name for (name,) in rows.fetchall()]
            [(count,)] = con.sql(
                f"select num_rows from parquet_file_metadata('{quoted}')"
            ).fetchall()
    except duckdb.Error:
        raise IngestError(f"{path} looks like a Parquet file but is corrupt or truncated") from None
    return names, count > 0


def inspect(path: str | os.PathLike | None = None) -> FileShape:
    """Recognise the file and match its header to the staged columns; IngestError if it can't."""
    path = Path(path if path is not None else dataset_path())
    if not path.is_file():
        raise IngestError(f"{path}: file not found (set CLAIMS_DATASET to a CSV or Parquet file)")
    if path.stat().st_size == 0:
        raise IngestError(f"{path} is empty")
    if "'" in str(path):
        raise IngestError(f"{path}: a file name with a single quote in it is not supported")
    with path.open("rb") as fh:
        magic = fh.read(4)
    fmt = "parquet" if magic == b"PAR1" else "csv"
    names, has_rows = (_parquet_header if fmt == "parquet" else _csv_header)(path)

    aliases = _aliases()
    staged: list[str | None] = [aliases.get(_normalise(name)) for name in names]
    if "row_id" not in staged and names and _normalise(names[0]) in UNNAMED_INDEX_HEADERS:
        staged[0] = "row_id"
    missing = [c for c in REQUIRED_COLUMNS if c not in staged]
    if len(missing) == len(REQUIRED_COLUMNS):
        shown = ", ".join(names[:5])[:120]
        raise IngestError(
            f"{path} is not a claims file: its header ({shown}) has none of the expected columns"
        )
    if missing:
        raise IngestError(f"{path} lacks the required column(s) {', '.join(missing)}")
    repeated = sorted({c for c in staged if c is not None and staged.count(c) > 1})
    if repeated:
        raise IngestError(f"{path} names the column(s) {', '.join(repeated)} more than once")
    if not has_rows:
        raise IngestError(f"{path} has a header but no data rows")
    extra = [
        name or "(unnamed)"
        for position, (name, canon) in enumerate(zip(names, staged, strict=True))
        if canon is None and not (position == 0 and _normalise(name) in UNNAMED_INDEX_HEADERS)
    ]
    warning = f"{path}: ignoring extra column(s): {', '.join(extra)}" if extra else None
    if fmt == "csv":
        file_columns = tuple(c or f"ignored_{i}" for i, c in enumerate(staged))
    else:
        file_columns = tuple(names)
    return FileShape(path, fmt, file_columns, tuple(staged), warning)


def header_columns(shape: FileShape) -> str:
    """The `columns` argument of read_csv: every field as text, named for staging."""
    return "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in shape.file_columns) + "}"


def select_list(shape: FileShape, engine: str = "duckdb") -> list[tuple[str, str]]:
    """(expression on the source, staged name) for row_id and each required column.

    engine 'spark' quotes names with backticks ("x" is a string there) and casts to string.
    """
    quote, text = ("`", "string") if engine == "spark" else ('"', "varchar")
    refs = {
        canon: name for name, canon in zip(shape.file_columns, shape.staged_columns, strict=True)
    }
    pairs = []
    for column in ("row_id", *REQUIRED_COLUMNS):
        name = refs.get(column)
        ident = quote + name.replace(quote, quote * 2) + quote if name is not None else "null"
        pairs.append((f"cast({ident} as {text})", column))
    return pairs


def physical_lines(path: str | os.PathLike, offsets: list[int | None]) -> list[int | None]:
    """1-based line number of each byte offset in the file (a CSV record may span lines)."""
    wanted = sorted({o for o in offsets if o is not None})
    found: dict[int, int] = {}
    line, position = 1, 0
    with open(path, "rb") as fh:
        for offset in wanted:
            while position < offset:
                chunk = fh.read(min(1 << 22, offset - position))
                if not chunk:
                    break
                line += chunk.count(b"\n")
                position += len(chunk)
            found[offset] = line
    return [found.get(o) if o is not None else None for o in offsets]


# ------------------------------------------------------------------ staging outside dbt


@cache
def _source_meta(table: str) -> dict:
    """The `meta` of a table of the tiktok source, as written in the YAML."""
    sources = yaml.safe_load(SOURCES_YML.read_text())["sources"]
    tables = {t["name"]: t for s in sources if s["name"] == "tiktok" for t in s["tables"]}
    return tables[table]["meta"]


def _source_call(table: str) -> str:
    """The `external_location` of a table of the tiktok source (DuckDB's read call)."""
    return _source_meta(table)["external_location"]


@cache
def _macros():
    env = jinja2.Environment(extensions=["jinja2.ext.do"], undefined=jinja2.StrictUndefined)
    return env.from_string(STAGING_MACROS.read_text()).module


class StagedFile(NamedTuple):
    """Relations on the caller's connection (fetch with .df(), .arrow(), .fetchall())."""

    staged: duckdb.DuckDBPyRelation  # columns of staging.stg_tiktok__videos
    rejected: duckdb.DuckDBPyRelation  # columns of staging.stg_tiktok__videos_rejected


def stage_file(path: str | os.PathLike, con: duckdb.DuckDBPyConnection | None = None) -> StagedFile:
    """Stage one raw file without dbt, with the SQL the staging models run.

    Returns StagedFile(staged, rejected): two DuckDB relations over temporary tables on `con`
    (a new in-memory connection when None), with the columns of staging.stg_tiktok__videos
    and staging.stg_tiktok__videos_rejected. Every data record of the file is in exactly
    one of them. Raises IngestError (one sentence naming the file) when the file is not a
    claims table. The temporary tables `stage_file_base` and `stage_file_category_values`
    are replaced by the next call on the same connection.
    """
    shape = inspect(path)
    con = con if con is not None else duckdb.connect()
    rows = [
        (r["column_name"], r["value"], r["alias"], r["value_order"])
        for r in seed_rows("category_values")
    ]
    con.execute(
        "create or replace temp table stage_file_category_values "
        "(column_name varchar, value varchar, alias varchar, value_order integer)"
    )
    con.executemany("insert into stage_file_category_values values (?, ?, ?, ?)", rows)
    macros = _macros()
    source = _source_call("videos" if shape.format == "csv" else "videos_parquet")
    source = source.format(path=str(shape.path))
    if shape.format == "csv":
        con.execute(f"set variable {COLUMNS_VARIABLE} = {header_columns(shape)}")
    select = macros.stage_videos_base(
        source, select_list(shape), "stage_file_category_values", after_write=True
    )
    # DuckDB appends to its rejects tables: drop the previous call's (found by the fuzz tests)
    for table in ("tiktok_reject_errors", "tiktok_reject_scans"):
        con.execute(f"drop table if exists {table}")
    con.execute(f"create or replace temp table stage_file_base as {select}")
    csv = shape.format == "csv"
    if csv:
        register_line_function(con)
    after = macros.stage_videos_after_write("stage_file_base", str(shape.path) if csv else None)
    for statement in after.split(";"):
        if statement.strip():
            con.execute(statement)
    return StagedFile(
        con.sql(macros.stage_videos_staged("stage_file_base")),
        con.sql(macros.stage_videos_rejected("stage_file_base")),
    )


# ------------------------------------------------------------------ DuckDB functions for dbt

HEADER_FUNCTION = "tiktok_claims_header"
LINE_FUNCTION = "tiktok_claims_physical_line"


def header_for_sql(path: str) -> dict:
    """inspect() as a DuckDB struct: an error sentence, or the format, columns and warning."""
    pause_point("staging")  # tests only: a kill during staging
    try:
        shape = inspect(path)
    except IngestError as exc:
        return {
            "error": str(exc),
            "format": None,
            "columns": None,
            "expressions": [],
            "names": [],
            "warning": None,
        }
    pairs = select_list(shape)
    return {
        "error": None,
        "format": shape.format,
        "columns": header_columns(shape),
        "expressions": [e for e, _ in pairs],
        "names": [n for _, n in pairs],
        "warning": shape.warning,
    }


def spark_header(path: str) -> dict:
    """header_for_sql's answer with Spark expressions and the file's column names, for the
    path as given (the spark macros check it is the file being built)."""
    answer = header_for_sql(path)
    answer["path"] = path
    answer["file_columns"] = []
    if answer["error"] is None:
        shape = inspect(path)
        pairs = select_list(shape, engine="spark")
        answer["expressions"] = [e for e, _ in pairs]
        answer["file_columns"] = list(shape.file_columns)
    return answer


def header_vars(path: str | None = None) -> dict:
    """What the spark target needs from Python, as dbt vars (no Python runs inside dbt on
    Spark): `claims_header` (the raw file's header check), `claims_inbox` (the inbox's
    finished files, each with its identity and header check) and `claims_decisions` (the
    moderator decisions file, and whether it exists)."""
    path = path if path is not None else dataset_path()
    decisions = os.environ.get("CLAIMS_DECISIONS") or DEFAULT_DECISIONS
    return {
        "claims_header": spark_header(path),
        "claims_inbox": [batch | spark_header(batch["path"]) for batch in inbox.list_batches()],
        "claims_decisions": {"path": decisions, "exists": Path(decisions).is_file()},
    }


def register_header_function(con: duckdb.DuckDBPyConnection) -> None:
    struct = duckdb.sqltype(
        "STRUCT(error VARCHAR, format VARCHAR, columns VARCHAR, expressions VARCHAR[], "
        "names VARCHAR[], warning VARCHAR)"
    )
    con.create_function(
        HEADER_FUNCTION, header_for_sql, [duckdb.sqltype("VARCHAR")], struct, side_effects=True
    )


SHA256_FUNCTION = "tiktok_claims_sha256"


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def register_sha256_function(con: duckdb.DuckDBPyConnection) -> None:
    """tiktok_claims_sha256(path) -> the file's SHA-256 in hex (marts.build_info)."""
    con.create_function(
        SHA256_FUNCTION,
        file_sha256,
        [duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"),
        side_effects=True,
    )


def register_line_function(con: duckdb.DuckDBPyConnection) -> None:
    """tiktok_claims_physical_line(path, byte_offset) -> line number (for the few rejects)."""

    def lines(paths: pa.ChunkedArray, offsets: pa.ChunkedArray) -> pa.Array:
        # one pass over the file per batch of offsets
        return pa.array(physical_lines(paths[0].as_py(), offsets.to_pylist()), type=pa.int64())

    with contextlib.suppress(duckdb.Error):  # already registered on this connection
        con.create_function(
            LINE_FUNCTION,
            lines,
            [duckdb.sqltype("VARCHAR"), duckdb.sqltype("BIGINT")],
            duckdb.sqltype("BIGINT"),
            type="arrow",
        )

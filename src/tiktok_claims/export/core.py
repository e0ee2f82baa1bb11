"""Plan, write, verify and release the exports of one warehouse."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from tiktok_claims.export import hyper, tds
from tiktok_claims.export.base import (
    AGGREGATE_EXTRACT,
    NO_EXTRACT,
    ROW_LEVEL_EXTRACT,
    TABLEAU_TYPES,
    Column,
    ExportError,
    ExportTable,
    normalise_type,
)
from tiktok_claims.export.release import new_release
from tiktok_claims.processes import pause_point

log = logging.getLogger("tiktok_claims.export")

EXPORT_SCHEMAS = ("marts", "stats", "ml")
# One row per video: these go to row_level.hyper, so the aggregate file has no transcriptions.
ROW_LEVEL_TABLES = frozenset({"fct_videos", "claim_predictions", "moderation_queue"})


def models_from_manifest(manifest_path: Path) -> list[dict[str, Any]]:
    """The model docs `plan` takes, read from the manifest.json dbt wrote for this run."""
    manifest = json.loads(Path(manifest_path).read_text())
    return [
        {
            "schema": node["schema"],
            "name": node["alias"] or node["name"],
            "description": node["description"],
            "meta": node["config"].get("meta") or {},
            "language": node["language"],
            "contract": node["config"]["contract"]["enforced"],
            "columns": {
                name: {"description": c["description"], "data_type": c["data_type"]}
                for name, c in node["columns"].items()
            },
        }
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] != "ephemeral"
    ]


def plan(con: duckdb.DuckDBPyConnection, models: Iterable[Mapping[str, Any]]) -> list[ExportTable]:
    """The tables to export: dbt models in EXPORT_SCHEMAS that exist in the warehouse.

    `models` are dbt model docs: schema, name (the relation), description, meta and columns
    ({name: {description, data_type}}). Raises ExportError for a type Tableau cannot read or
    a type that differs from the one the YAML declares.
    """
    rows = con.sql(
        "select table_schema, table_name, column_name, data_type from information_schema.columns"
        f" where table_schema in ({', '.join(repr(s) for s in EXPORT_SCHEMAS)})"
        " order by table_schema, table_name, ordinal_position"
    ).fetchall()
    warehouse: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, data_type in rows:
        warehouse.setdefault((schema, table), []).append((column, data_type))

    tables, missing, uncontracted = [], [], []
    for model in sorted(models, key=lambda m: (m["schema"], m["name"])):
        key = (model["schema"], model["name"])
        if model["schema"] not in EXPORT_SCHEMAS:
            continue
        if key not in warehouse:
            missing.append(".".join(key))
            continue
        if model.get("language") == "sql" and not model.get("contract"):
            uncontracted.append(".".join(key))
        tables.append(_table(model, warehouse[key]))
    if missing:
        log.warning(
            "export: %d models not in the warehouse (not built yet), skipped: %s",
            len(missing),
            _some(missing),
        )
    if uncontracted:
        # types are still checked here, but a contract fails the model itself, earlier
        log.warning("export: SQL models without an enforced contract: %s", ", ".join(uncontracted))
    return tables


def _some(names: list[str], shown: int = 5) -> str:
    """A few names and how many more: a partial build (`--select staging`) misses dozens."""
    rest = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {rest} more" if rest > 0 else "")


def _table(model: Mapping[str, Any], columns: list[tuple[str, str]]) -> ExportTable:
    label = f"{model['schema']}.{model['name']}"
    docs = {name.lower(): doc for name, doc in (model.get("columns") or {}).items()}
    out = []
    for name, actual in columns:
        doc = docs.get(name.lower(), {})
        kind = normalise_type(actual)
        if kind not in TABLEAU_TYPES:
            raise ExportError(
                f"{label}: column {name} is {actual}, which Tableau extracts do not take;"
                f" cast it in the model to one of {', '.join(TABLEAU_TYPES)}"
                " and declare it in the model's contract"
            )
        declared = doc.get("data_type")
        if declared and normalise_type(declared) != kind:
            raise ExportError(
                f"{label}: column {name} is {actual} in the warehouse"
                f" but its YAML declares {declared}"
            )
        out.append(Column(name, kind, (doc.get("description") or "").strip()))

    names = {c.name.lower() for c in out}
    meta = model.get("meta") or {}
    row_level = (
        model["name"] in ROW_LEVEL_TABLES
        or "video_id" in names
        or meta.get("tableau_extract") == ROW_LEVEL_EXTRACT
    )
    if not row_level and any("transcription_text" in n for n in names):
        raise ExportError(f"{label}: transcription text may not go to the aggregate extract")
    extract = ROW_LEVEL_EXTRACT if row_level else AGGREGATE_EXTRACT
    return ExportTable(
        schema=model["schema"],
        name=model["name"],
        columns=out,
        description=(model.get("description") or "").strip(),
        extract=NO_EXTRACT if meta.get("tableau_extract") == NO_EXTRACT else extract,
    )


def column_stats(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str]):
    """(row count, [non-null count per column]) of a relation, in one scan."""
    counts = ", ".join(f'count("{c}")' for c in columns)
    row = con.sql(f"select count(*), {counts} from {relation}").fetchall()[0]
    return int(row[0]), [int(n) for n in row[1:]]


def export_warehouse(
    con: duckdb.DuckDBPyConnection,
    models: Iterable[Mapping[str, Any]],
    root: Path,
) -> list[ExportTable]:
    """Write and release <root>/tableau/{tiktok_claims,row_level}.{hyper,tds} and parquet/...

    Everything is written and verified in a new release folder, which then becomes current
    as a whole (tiktok_claims.export.release); any failure raises ExportError naming the
    table and leaves the current release untouched. A dbt build calls write_exports instead,
    into the build's own release folder.
    """
    with new_release(Path(root)) as folder:
        return write_exports(con, models, folder)


def write_exports(
    con: duckdb.DuckDBPyConnection,
    models: Iterable[Mapping[str, Any]],
    folder: Path,
) -> list[ExportTable]:
    """Write and verify tableau/ and parquet/ of every exported table into `folder`."""
    folder = Path(folder)
    models = list(models)
    tables = plan(con, models)
    if not tables:
        log.warning("export: no marts/stats/ml tables in the warehouse; nothing exported")
        return []
    workdir = Path(tempfile.mkdtemp(prefix="tiktok_claims_export_"))
    try:
        for table in tables:
            _stage_parquet(con, table, _parquet_path(folder, table))
        pause_point("exports")
        jobs = []
        for extract in (AGGREGATE_EXTRACT, ROW_LEVEL_EXTRACT):
            group = [t for t in tables if t.extract == extract]
            if group:
                hyper_path = folder / "tableau" / f"{extract}.hyper"
                hyper_path.parent.mkdir(exist_ok=True)
                parquet = [_parquet_path(folder, t) for t in group]
                jobs.append((group, parquet, hyper_path, workdir / extract))
        # The two extracts are independent and mostly wait on Hyper: build them side by side.
        with ThreadPoolExecutor(len(jobs)) as pool:
            for done in [pool.submit(_stage_extract, *job) for job in jobs]:
                done.result()
        for part in ("tableau", "parquet"):
            for path in [folder / part, *(folder / part).rglob("*")]:
                os.chmod(path, 0o755 if path.is_dir() else 0o644)  # Hyper creates 0640
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for extract in (AGGREGATE_EXTRACT, ROW_LEVEL_EXTRACT):
        names = [t.label for t in tables if t.extract == extract]
        if names:
            log.info("export: %s.hyper <- %s", extract, ", ".join(names))
    return tables


def _stage_extract(group, parquet: list[Path], hyper_path: Path, logs: Path):
    """Write and verify one .hyper extract (from the tables' Parquet files) and its .tds."""
    logs.mkdir()
    hyper.write(group, parquet, hyper_path, logs)
    hyper.verify(group, hyper_path, logs)
    tds_path = hyper_path.with_suffix(".tds")
    tds.write(group, tds_path, hyper_file=hyper_path.name, title=hyper_path.stem)
    tds.verify(tds_path, group)


def _parquet_path(root: Path, table: ExportTable) -> Path:
    return root / "parquet" / table.schema / f"{table.name}.parquet"


def _stage_parquet(con: duckdb.DuckDBPyConnection, table: ExportTable, tmp: Path) -> None:
    """COPY the table to Parquet, then check rows, columns, types and nulls against DuckDB."""
    tmp.parent.mkdir(parents=True, exist_ok=True)
    names = [c.name for c in table.columns]
    try:
        table.stats = column_stats(con, table.sql_name, names)
        path = str(tmp).replace("'", "''")
        con.execute(f"copy (select * from {table.sql_name}) to '{path}' (format parquet)")
        source = f"read_parquet('{path}')"
        got = con.sql(f"describe select * from {source}").fetchall()
        got_stats = column_stats(con, source, names)
    except duckdb.Error as exc:
        raise ExportError(f"{table.label}: Parquet export failed: {exc}") from exc
    expected = [(c.name, c.duckdb_type) for c in table.columns]
    actual = [(name, normalise_type(kind)) for name, kind, *_ in got]
    if actual != expected:
        raise ExportError(f"{table.label}: Parquet columns {actual} differ from {expected}")
    if got_stats != table.stats:
        raise ExportError(
            f"{table.label}: Parquet row/non-null counts {got_stats} differ from {table.stats}"
        )

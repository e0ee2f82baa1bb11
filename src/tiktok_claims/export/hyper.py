"""Write a Tableau Hyper extract with pantab and read it back with Tableau's engine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pantab
from tableauhyperapi import Connection, HyperProcess, Telemetry

from tiktok_claims.export.base import TABLEAU_TYPES, ExportError, ExportTable, cursor_like

SCHEMA = "Extract"


def process_params(log_dir: Path) -> dict[str, str]:
    """No log file at all (log_config ''), and any that slips through goes to a temp dir."""
    return {"log_config": "", "log_dir": str(log_dir)}


def hyper_process(log_dir: Path) -> HyperProcess:
    return HyperProcess(
        Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU, parameters=process_params(log_dir)
    )


def write(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[ExportTable],
    path: Path,
    log_dir: Path,
) -> None:
    """Stream each table from DuckDB (Arrow C stream) into `path`, schema Extract.

    pantab's own telemetry setting is DO_NOT_SEND_USAGE_DATA_TO_TABLEAU. One Hyper process
    writes every table; if it fails, each table is retried alone to name the culprit.
    """

    cursors: list[duckdb.DuckDBPyConnection] = []

    def frame(table: ExportTable):
        # a cursor per table: each relation keeps its own open result stream
        cursors.append(cursor_like(con))
        return cursors[-1].sql(f"select * from {table.sql_name}")

    params = process_params(log_dir)
    try:
        pantab.frames_to_hyper(
            {(SCHEMA, t.name): frame(t) for t in tables},
            path,
            atomic=False,
            process_params=params,
        )
        return
    except Exception as exc:
        error = exc
    finally:
        for cursor in cursors:
            cursor.close()
    path.unlink(missing_ok=True)
    with cursor_like(con) as cursor:
        for table in tables:
            try:
                pantab.frame_to_hyper(
                    cursor.sql(f"select * from {table.sql_name}"),
                    path,
                    table=(SCHEMA, table.name),
                    atomic=False,
                    process_params=params,
                )
            except Exception as exc:
                raise ExportError(f"{table.label}: writing {path.name} failed: {exc}") from exc
            finally:
                path.unlink(missing_ok=True)
    raise ExportError(f"{', '.join(t.label for t in tables)}: writing the extract failed: {error}")


def read_back(path: Path, log_dir: Path) -> dict[str, dict]:
    """Per table in schema Extract: columns [(name, hyper type)], rows, non-null counts."""
    out: dict[str, dict] = {}
    with hyper_process(log_dir) as process, Connection(process.endpoint, str(path)) as cn:
        for name in cn.catalog.get_table_names(SCHEMA):
            definition = cn.catalog.get_table_definition(name)
            columns = [(c.name.unescaped, str(c.type).split("(")[0]) for c in definition.columns]
            counts = ", ".join(f"count({c.name})" for c in definition.columns)
            row = cn.execute_list_query(f"select count(*), {counts} from {name}")[0]
            out[name.name.unescaped] = {
                "columns": columns,
                "rows": int(row[0]),
                "non_null": [int(n) for n in row[1:]],
            }
    return out


def verify(tables: Sequence[ExportTable], path: Path, log_dir: Path) -> None:
    """The extract holds exactly these tables, with DuckDB's rows, columns, types and nulls."""
    got = read_back(path, log_dir)
    extra = sorted(set(got) - {t.name for t in tables})
    if extra:
        raise ExportError(f"{path.name}: unexpected tables {extra}")
    for table in tables:
        if table.name not in got:
            raise ExportError(f"{table.label}: missing from {path.name}")
        found = got[table.name]
        expected = [(c.name, TABLEAU_TYPES[c.duckdb_type]) for c in table.columns]
        if found["columns"] != expected:
            raise ExportError(
                f"{table.label}: extract columns {found['columns']} differ from {expected}"
            )
        rows, non_null = table.stats
        if (found["rows"], found["non_null"]) != (rows, non_null):
            raise ExportError(
                f"{table.label}: extract has {found['rows']} rows / non-null {found['non_null']},"
                f" DuckDB has {rows} / {non_null}"
            )

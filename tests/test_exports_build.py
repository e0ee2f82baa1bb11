"""The exports `dbt build` writes: read back with Tableau's engine and compared with DuckDB."""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, run_dbt
from tableauhyperapi import Connection, HyperProcess, Telemetry

from tiktok_claims.export import hyper

pytestmark = pytest.mark.real_data

SCHEMAS = ("marts", "stats", "ml")
ROW_LEVEL = {"fct_videos", "claim_predictions", "moderation_queue"}
# DuckDB type -> the Hyper type Tableau reads it as
HYPER_TYPES = {
    "BIGINT": "BIG_INT",
    "INTEGER": "INT",
    "DOUBLE": "DOUBLE",
    "VARCHAR": "TEXT",
    "BOOLEAN": "BOOL",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
}


def warehouse_tables(build) -> dict[str, dict]:
    """Every marts/stats/ml table: schema, columns [(name, type)], rows, nulls per column."""
    out = {}
    with build.connect() as con:
        listed = con.sql(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema in {SCHEMAS} order by all"
        ).fetchall()
        for schema, table in listed:
            rel = con.sql(f'select * from "{schema}"."{table}"')
            columns = list(zip(rel.columns, [str(t) for t in rel.types], strict=True))
            nulls = ", ".join(f'count(*) - count("{c}")' for c in rel.columns)
            row = con.sql(f'select count(*), {nulls} from "{schema}"."{table}"').fetchall()[0]
            out[table] = {
                "schema": schema,
                "columns": columns,
                "rows": row[0],
                "nulls": list(row[1:]),
            }
    return out


def hyper_tables(path: Path, log_dir: Path) -> dict[str, dict]:
    """Every table in schema Extract of a .hyper file, read by Hyper itself."""
    out = {}
    params = {"log_config": "", "log_dir": str(log_dir)}
    with (
        HyperProcess(Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU, parameters=params) as process,
        Connection(process.endpoint, str(path)) as cn,
    ):
        for name in cn.catalog.get_table_names("Extract"):
            columns = cn.catalog.get_table_definition(name).columns
            nulls = ", ".join(f"count(*) - count({c.name})" for c in columns)
            row = cn.execute_list_query(f"select count(*), {nulls} from {name}")[0]
            out[name.name.unescaped] = {
                "columns": [(c.name.unescaped, str(c.type)) for c in columns],
                "rows": row[0],
                "nulls": list(row[1:]),
            }
    return out


@pytest.fixture(scope="module")
def extracts(real_build, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("hyper_logs")
    tableau = real_build.exports / "tableau"
    return {
        "tiktok_claims": hyper_tables(tableau / "tiktok_claims.hyper", log_dir),
        "row_level": hyper_tables(tableau / "row_level.hyper", log_dir),
    }


def _parquet_only(build) -> set[str]:
    """Models whose meta says tableau_extract: none (Parquet only)."""
    nodes = build.manifest()["nodes"].values()
    return {n["name"] for n in nodes if n["config"]["meta"].get("tableau_extract") == "none"}


def test_every_table_lands_in_one_extract(real_build, extracts):
    tables = warehouse_tables(real_build)
    aggregate, row_level = extracts["tiktok_claims"], extracts["row_level"]
    parquet_only = _parquet_only(real_build)
    assert parquet_only == {"moderator_decisions"}  # the decision log, growing with history
    assert not set(aggregate) & set(row_level)
    assert set(aggregate) | set(row_level) == set(tables) - parquet_only
    assert {"fct_videos"} <= set(row_level)
    assert not ROW_LEVEL & set(aggregate)
    # the executives' file carries no transcription text, and nothing at video grain
    for table in aggregate.values():
        assert not [c for c, _ in table["columns"] if "transcription" in c or c == "video_id"]


def test_extracts_equal_the_warehouse(real_build, extracts):
    tables = warehouse_tables(real_build)
    found = {**extracts["tiktok_claims"], **extracts["row_level"]}
    for name, want in tables.items():
        if name in _parquet_only(real_build):
            continue
        got = found[name]
        expected_columns = [(c, HYPER_TYPES[t]) for c, t in want["columns"]]
        assert got["columns"] == expected_columns, name
        assert got["rows"] == want["rows"], name
        assert got["nulls"] == want["nulls"], name


def test_parquet_equals_the_warehouse(real_build):
    for name, want in warehouse_tables(real_build).items():
        path = real_build.exports / "parquet" / want["schema"] / f"{name}.parquet"
        rel = duckdb.sql(f"select * from read_parquet('{path}')")
        assert list(zip(rel.columns, [str(t) for t in rel.types], strict=True)) == want["columns"]
        nulls = ", ".join(f'count(*) - count("{c}")' for c in rel.columns)
        row = duckdb.sql(f"select count(*), {nulls} from read_parquet('{path}')").fetchall()[0]
        assert (row[0], list(row[1:])) == (want["rows"], want["nulls"]), name


def test_tds_names_every_column_with_a_caption(real_build, extracts):
    manifest = json.loads((real_build.warehouse.parent / "target" / "manifest.json").read_text())
    docs = {
        (node["schema"], node["alias"]): node["columns"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    tables = warehouse_tables(real_build)
    for extract, found in extracts.items():
        root = ET.parse(real_build.exports / "tableau" / f"{extract}.tds").getroot()
        connection = root.find("connection/named-connections/named-connection/connection")
        assert connection.get("dbname") == f"{extract}.hyper"
        fields = {c.get("name"): c for c in root.iter("column")}
        named = set()
        for record in root.iter("metadata-record"):
            table = record.findtext("parent-name").strip("[]")
            column = record.findtext("remote-name")
            field = fields[record.findtext("local-name")]
            assert field.get("caption"), (table, column)
            documented = docs[(tables[table]["schema"], table)].get(column, {})
            if documented.get("description"):
                want = documented["description"].strip()
                assert field.findtext("desc/formatted-text/run") == want
            named.add((table, column))
        assert named == {(t, c) for t, v in found.items() for c, _ in v["columns"]}


def test_exported_models_have_contracts(real_build):
    """SQL models: an enforced contract. Python models (dbt refuses contracts): every
    column's data_type declared in YAML (the exporter checks them against the warehouse)."""
    manifest = json.loads((real_build.warehouse.parent / "target" / "manifest.json").read_text())
    tables = warehouse_tables(real_build)
    gaps = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["schema"] not in SCHEMAS:
            continue
        if node["language"] == "sql" and not node["config"]["contract"]["enforced"]:
            gaps.append(f"{node['schema']}.{node['name']}: no enforced contract")
        declared = {c for c, doc in node["columns"].items() if doc.get("data_type")}
        missing = [c for c, _ in tables[node["alias"]]["columns"] if c not in declared]
        if missing:
            gaps.append(f"{node['schema']}.{node['name']}: no data_type for {missing}")
    assert not gaps, "\n".join(gaps)


@pytest.mark.parametrize(
    ("kind", "duckdb_kind", "breaking_value"),
    [("not_null", "NOT NULL", "null"), ("check", "CHECK", "'not a listed value'")],
)
def test_declared_constraints_hold_in_the_warehouse(
    real_build, tmp_path, kind, duckdb_kind, breaking_value
):
    """Every not_null or check constraint a contract declares on a table is a constraint of
    the DuckDB table, and a value that breaks it is refused; the others (on views, on Python
    models and on models without a contract, which DuckDB does not enforce) are checked by the
    model's declared_constraints data test."""
    manifest = json.loads((real_build.warehouse.parent / "target" / "manifest.json").read_text())
    constrained = {
        (
            node["unique_id"],
            node["config"]["contract"]["enforced"] and node["config"]["materialized"] != "view",
            node["schema"],
            node["alias"],
            column,
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for column, doc in node["columns"].items()
        if any(c["type"] == kind for c in doc.get("constraints", []))
    }
    declared = {tuple(c[2:]) for c in constrained if c[1]}
    unenforced = {c[0] for c in constrained if not c[1]}
    tested = {
        model
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and node["name"].startswith("declared_constraints")
        and node["config"]["enabled"]
        for model in node["depends_on"]["nodes"]
    }
    assert unenforced and unenforced <= tested
    assert len(declared) > 20
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(real_build.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        enforced = set(
            con.sql(
                "select schema_name, table_name, unnest(constraint_column_names)"
                f" from duckdb_constraints() where constraint_type = '{duckdb_kind}'"
            ).fetchall()
        )
        assert declared <= enforced
        # a table with rows (the inbox tables are empty in a build without batches)
        schema, table, column = next(
            (s, t, c)
            for s, t, c in sorted(declared)
            if con.sql(f"select count(*) from {s}.{t}").fetchall()[0][0]
        )
        with pytest.raises(duckdb.ConstraintException):
            con.execute(f'update {schema}.{table} set "{column}" = {breaking_value}')


def test_declared_constraints_find_nulls_checks_and_repeats(real_build, tmp_path):
    """On a Python model (no contract, so DuckDB enforces nothing) the declared_constraints
    test passes as built, and names a NULL, a value outside the column's check and a
    repeated unique value once they are written into the table."""
    (sql,) = [
        node["compiled_code"]
        for node in real_build.manifest()["nodes"].values()
        if node["resource_type"] == "test"
        and node["name"].startswith("declared_constraints_verified_logit_metrics")
    ]
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(real_build.warehouse, copy)
    with duckdb.connect() as con:
        con.execute(f"attach '{copy}' as tiktok_claims")
        assert con.sql(sql).fetchall() == []
        metrics = "tiktok_claims.ml.verified_logit_metrics"
        con.execute(f"insert into {metrics} select * from {metrics} where split = 'test'")
        con.execute(f"update {metrics} set split = 'holdout' where split = 'train'")
        con.execute(f"update {metrics} set roc_auc = null where split <> 'train'")
        problems = sorted(con.sql(sql).fetchall())
    # a row is named by its first problem (the holdout row's split, not its roc_auc)
    assert problems == [
        ("roc_auc is null",),
        ("roc_auc is null",),
        ("split fails its check",),
        ("split repeated",),
    ]


def test_reference_keys_find_nulls_and_repeats_in_the_seeds(real_build, tmp_path):
    """Each seed has one reference_keys test; it passes on the seeds as shipped and names
    each NULL key and each repeated key once they are broken."""
    tests = {
        node["depends_on"]["nodes"][0].split(".")[-1]: node["compiled_code"]
        for node in real_build.manifest()["nodes"].values()
        if node["resource_type"] == "test"
        and node.get("test_metadata", {}).get("name") == "reference_keys"
    }
    seeds = {p.stem for p in (REPO / "seeds").glob("*.csv")}
    assert set(tests) == seeds
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(real_build.warehouse, copy)
    with duckdb.connect() as con:
        con.execute(f"attach '{copy}' as tiktok_claims")
        for seed, sql in tests.items():
            assert con.sql(sql).fetchall() == [], seed
        con.execute(
            "insert into tiktok_claims.reference.category_values values "
            "('claim_status', 'claim', 'claim', 1), ('claim_status', null, 'rumour', 3)"
        )
        con.execute(
            "insert into tiktok_claims.reference.data_dictionary "
            "select * from tiktok_claims.reference.data_dictionary where column_position = 2"
        )
        problems = sorted(con.sql(tests["category_values"]).fetchall())
        assert problems == [
            ("column_name, alias repeated", "claim_status, claim"),
            ("value is null", None),
        ]
        problems = sorted(con.sql(tests["data_dictionary"]).fetchall())
        assert problems == [
            ("column_name repeated", "claim_status"),
            ("column_position repeated", "2"),
        ]


def _digests(root: Path) -> dict[Path, str]:
    """Every file users read under an exports root: the current release, through its links."""
    return {
        p.relative_to(root): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (root / "current").resolve().rglob("*")
        if p.is_file()
    }


def _leftovers(*roots: Path) -> list[Path]:
    # releases/next.tmp is a failed build's own folder (the next build clears it), not a leftover
    return [
        p
        for root in roots
        for p in root.rglob("*")
        if (p.name.endswith(".tmp") or p.name.startswith("hyperd")) and "next.tmp" not in p.parts
    ]


@pytest.fixture
def copied_build(real_build, tmp_path):
    """A copy of the real build's folder (warehouse link, releases), for runs that must fail."""
    shutil.copytree(real_build.warehouse.parent, tmp_path / "site", symlinks=True)
    return tmp_path / "site"


def test_failed_export_keeps_previous_files(real_build, copied_build):
    # a mid-alphabet aggregate table breaks its contract (HUGEINT, as sum() gives)
    aggregate = sorted(
        t for t, v in warehouse_tables(real_build).items() if t not in ROW_LEVEL and v["rows"]
    )
    victim = aggregate[len(aggregate) // 2]
    schema = warehouse_tables(real_build)[victim]["schema"]
    with duckdb.connect(str(copied_build / "warehouse.duckdb")) as con:
        con.execute(f'alter table "{schema}"."{victim}" add column probe hugeint default 1')
    before = _digests(copied_build / "exports")

    build = run_dbt(["build", "--select", "fct_videos"], real_build.dataset, copied_build, False)
    assert build.result.returncode != 0
    assert f"{schema}.{victim}" in build.result.stdout
    assert "HUGEINT" in build.result.stdout
    assert _digests(copied_build / "exports") == before
    assert _leftovers(copied_build) == []


def test_failed_build_exports_nothing(real_build, copied_build):
    # fct_videos can no longer be built: a half-failed build
    with duckdb.connect(str(copied_build / "warehouse.duckdb")) as con:
        con.execute("drop view staging.stg_tiktok__videos")
    before = _digests(copied_build / "exports")

    build = run_dbt(["build", "--select", "fct_videos"], real_build.dataset, copied_build, False)
    assert build.result.returncode != 0
    skipped = [line for line in build.result.stdout.splitlines() if "not released" in line]
    # one short line, not the name of every skipped node
    assert len(skipped) == 1 and len(skipped[0]) < 160 and "stg_tiktok" not in skipped[0]
    assert _digests(copied_build / "exports") == before


def test_no_logs_or_temp_files(real_build):
    assert _leftovers(real_build.exports, real_build.warehouse.parent) == []
    assert not list(REPO.glob("hyperd*")) and not list((REPO / "exports").glob("**/hyperd*"))


def test_the_exporters_read_back_sees_what_hypers_catalog_says(extracts, real_build, tmp_path):
    """hyper.read_back (which verifies every extract) against the catalog's definitions."""
    for extract, tables in extracts.items():
        got = hyper.read_back(real_build.exports / "tableau" / f"{extract}.hyper", tmp_path)
        assert set(got) == set(tables), extract
        for name, table in tables.items():
            expected = [(column, kind.split("(")[0]) for column, kind in table["columns"]]
            assert got[name]["columns"] == expected, name
            assert got[name]["rows"] == table["rows"], name
            nulls = [got[name]["rows"] - n for n in got[name]["non_null"]]
            assert nulls == table["nulls"], name

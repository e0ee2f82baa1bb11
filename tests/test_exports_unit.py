"""The exporter on a small hand-made warehouse: no dbt, a few seconds."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pantab
import pytest

from tiktok_claims.export import ExportError, ExportTable, export_warehouse, hyper
from tiktok_claims.export.base import Column
from tiktok_claims.export.tds import caption

MODELS = [
    {
        "schema": "marts",
        "name": "summary",
        "description": "Counts per status.",
        "columns": {
            "status": {"description": "Claim or opinion.", "data_type": "varchar"},
            "videos": {"description": "Number of videos.", "data_type": "bigint"},
            "mean_views": {"description": "Mean views.", "data_type": "double"},
        },
    },
    {
        "schema": "stats",
        "name": "tests_table",
        "description": "One row per test.",
        "columns": {"p_value": {"description": "The p-value."}},
    },
    {
        "schema": "marts",
        "name": "fct_videos",
        "description": "One row per video.",
        "columns": {"video_transcription_text": {"description": "What the video says."}},
    },
    {"schema": "staging", "name": "stg_videos", "columns": {}},
]


def _warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    for schema in ("staging", "marts", "stats"):
        con.execute(f"create schema {schema}")
    con.execute("""
        create table marts.summary as
        select * from (values
            ('claim', 3::bigint, 1.5::double),
            ('opinion', 2::bigint, null::double),
            (null, 1::bigint, 2.0::double)
        ) as t(status, videos, mean_views)
    """)
    con.execute("""
        create table stats.tests_table as
        select 'welch' as method, 0.01::double as p_value, true as reject,
               date '2026-01-02' as run_date, timestamp '2026-01-02 03:04:05' as run_at
    """)
    con.execute("""
        create table marts.fct_videos as
        select i::bigint as video_id, case when i % 3 = 0 then null else 'said ' || i end
               as video_transcription_text
        from range(1000) as r(i)
    """)
    con.execute("create table staging.stg_videos as select 1 as x")
    return con


@pytest.fixture
def warehouse(tmp_path):
    con = _warehouse(tmp_path / "wh.duckdb")
    yield con
    con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp") or "hyperd" in p.name]


def test_extracts_match_duckdb(warehouse, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "exports"
    export_warehouse(warehouse, MODELS, root)

    aggregate = pantab.frames_from_hyper(root / "tableau" / "tiktok_claims.hyper")
    row_level = pantab.frames_from_hyper(root / "tableau" / "row_level.hyper")
    assert sorted(aggregate) == [("Extract", "summary"), ("Extract", "tests_table")]
    assert list(row_level) == [("Extract", "fct_videos")]

    for frames, schema, table in (
        (aggregate, "marts", "summary"),
        (aggregate, "stats", "tests_table"),
        (row_level, "marts", "fct_videos"),
    ):
        got = frames[("Extract", table)]
        want = warehouse.sql(f"select * from {schema}.{table}").df()
        assert list(got.columns) == list(want.columns)
        assert len(got) == len(want)
        assert got.isna().sum().tolist() == want.isna().sum().tolist()

        parquet = duckdb.sql(f"select * from '{root}/parquet/{schema}/{table}.parquet'")
        assert parquet.columns == list(want.columns)
        assert [str(t) for t in parquet.types] == [
            str(t) for t in warehouse.sql(f"select * from {schema}.{table}").types
        ]
        assert parquet.df().isna().sum().tolist() == want.isna().sum().tolist()

    # the staging table is not exported; no logs or temp files anywhere
    assert not (root / "parquet" / "staging").exists()
    assert _leftovers(tmp_path) == []


def test_hyper_types(warehouse, tmp_path):
    from tableauhyperapi import Connection, HyperProcess, TableName, Telemetry

    root = tmp_path / "exports"
    export_warehouse(warehouse, MODELS, root)
    with (
        HyperProcess(
            Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU, parameters={"log_config": ""}
        ) as hp,
        Connection(hp.endpoint, str(root / "tableau" / "tiktok_claims.hyper")) as cn,
    ):
        definition = cn.catalog.get_table_definition(TableName("Extract", "tests_table"))
        types = {c.name.unescaped: str(c.type) for c in definition.columns}
    assert types == {
        "method": "TEXT",
        "p_value": "DOUBLE",
        "reject": "BOOL",
        "run_date": "DATE",
        "run_at": "TIMESTAMP",
    }


def test_tds_captions_and_descriptions(warehouse, tmp_path):
    root = tmp_path / "exports"
    export_warehouse(warehouse, MODELS, root)
    tree = ET.parse(root / "tableau" / "tiktok_claims.tds").getroot()
    assert tree.find("connection/named-connections/named-connection/connection").get("dbname") == (
        "tiktok_claims.hyper"
    )
    columns = {c.get("name"): c for c in tree.iter("column")}
    records = list(tree.iter("metadata-record"))
    expected = {("[summary]", c) for c in ("status", "videos", "mean_views")} | {
        ("[tests_table]", c) for c in ("method", "p_value", "reject", "run_date", "run_at")
    }
    assert {(r.findtext("parent-name"), r.findtext("remote-name")) for r in records} == expected
    for record in records:
        assert columns[record.findtext("local-name")].get("caption")
    assert columns["[mean_views]"].get("caption") == "Mean Views"
    assert columns["[mean_views]"].findtext("desc/formatted-text/run") == "Mean views."
    assert columns["[p_value]"].findtext("desc/formatted-text/run") == "The p-value."


def test_caption():
    assert caption("video_view_count") == "Video View Count"
    assert caption("roc_auc") == "ROC AUC"
    assert caption("claim_status_by_verified_status") == "Claim Status by Verified Status"


def test_type_error_leaves_previous_exports(warehouse, tmp_path):
    root = tmp_path / "exports"
    export_warehouse(warehouse, MODELS, root)
    before = {p: _digest(p) for p in root.rglob("*") if p.is_file()}

    warehouse.execute("alter table stats.tests_table add column total hugeint default 1")
    warehouse.execute("insert into marts.summary values ('new', 9, 9.0)")
    with pytest.raises(ExportError, match=r"stats\.tests_table.*total.*HUGEINT"):
        export_warehouse(warehouse, MODELS, root)
    assert {p: _digest(p) for p in root.rglob("*") if p.is_file()} == before
    assert _leftovers(tmp_path) == []


def test_mid_export_failure_leaves_previous_exports(warehouse, tmp_path, monkeypatch):
    root = tmp_path / "exports"
    export_warehouse(warehouse, MODELS, root)
    before = {p: _digest(p) for p in root.rglob("*") if p.is_file()}
    warehouse.execute("insert into marts.summary values ('new', 9, 9.0)")

    # the aggregate extract and all Parquet files are staged when row_level.hyper fails
    real_verify = hyper.verify

    def failing_verify(tables, path, log_dir):
        real_verify(tables, path, log_dir)
        if tables[0].name == "fct_videos":
            raise ExportError("marts.fct_videos: injected failure")

    monkeypatch.setattr(hyper, "verify", failing_verify)
    with pytest.raises(ExportError, match=r"marts\.fct_videos"):
        export_warehouse(warehouse, MODELS, root)
    assert {p: _digest(p) for p in root.rglob("*") if p.is_file()} == before
    assert _leftovers(tmp_path) == []


def test_parquet_of_removed_models_is_removed(warehouse, tmp_path):
    root = tmp_path / "exports"
    (root / "parquet" / "marts").mkdir(parents=True)
    (root / "parquet" / "marts" / "old_name.parquet").write_bytes(b"stale")
    export_warehouse(warehouse, MODELS, root)
    assert sorted(p.name for p in (root / "parquet" / "marts").iterdir()) == [
        "fct_videos.parquet",
        "summary.parquet",
    ]


def test_warns_about_sql_models_without_contracts(warehouse, tmp_path, caplog):
    models = [dict(MODELS[0], language="sql", contract=False), dict(MODELS[1], language="python")]
    export_warehouse(warehouse, models, tmp_path / "exports")
    warnings = [r.getMessage() for r in caplog.records if "contract" in r.getMessage()]
    assert warnings == ["export: SQL models without an enforced contract: marts.summary"]


def test_models_not_built_yet_are_counted_and_a_few_named(warehouse, tmp_path, caplog):
    # a partial build misses dozens of models: one short line, not every name
    unbuilt = [{"schema": "marts", "name": f"unbuilt_{i:02d}", "columns": {}} for i in range(12)]
    export_warehouse(warehouse, MODELS + unbuilt, tmp_path / "exports")
    [warning] = [r.getMessage() for r in caplog.records if "not built yet" in r.getMessage()]
    assert warning.startswith("export: 12 models not in the warehouse (not built yet), skipped: ")
    assert warning.endswith("marts.unbuilt_04 and 7 more")
    assert "marts.unbuilt_00, " in warning and "unbuilt_05" not in warning

    caplog.clear()
    export_warehouse(warehouse, MODELS + unbuilt[:2], tmp_path / "exports2")
    [warning] = [r.getMessage() for r in caplog.records if "not built yet" in r.getMessage()]
    assert warning.endswith("skipped: marts.unbuilt_00, marts.unbuilt_01")


def test_hyper_write_names_the_failing_table(warehouse, tmp_path):
    # Hyper reads each table from its Parquet file: one it cannot read is named
    good, bad = tmp_path / "summary.parquet", tmp_path / "listy.parquet"
    warehouse.execute(f"copy marts.summary to '{good}' (format parquet)")
    bad.write_bytes(b"PAR1 cut short")
    tables = [
        ExportTable("marts", "summary", [Column("status", "VARCHAR")]),
        ExportTable("marts", "listy", [Column("numbers", "BIGINT")]),
    ]
    target = tmp_path / "out.hyper"
    with pytest.raises(ExportError, match=r"^marts\.listy: writing out\.hyper failed: ") as caught:
        hyper.write(tables, [good, bad], target, tmp_path)
    assert "\n" not in str(caught.value)
    assert not target.exists()


def test_declared_type_must_match(warehouse, tmp_path):
    models = [dict(MODELS[0], columns={"videos": {"data_type": "double"}})]
    with pytest.raises(ExportError, match=r"marts\.summary.*videos.*declares double"):
        export_warehouse(warehouse, models, tmp_path / "exports")


def test_transcriptions_stay_out_of_the_aggregate_extract(warehouse, tmp_path):
    warehouse.execute("create table marts.texts as select 'words' as video_transcription_text")
    models = [{"schema": "marts", "name": "texts", "columns": {}}]
    with pytest.raises(ExportError, match=r"marts\.texts: transcription text"):
        export_warehouse(warehouse, models, tmp_path / "exports")
    assert not (tmp_path / "exports" / "tableau").exists() or _leftovers(tmp_path) == []


def test_a_parquet_only_table_stays_out_of_the_extracts(warehouse, tmp_path):
    warehouse.execute("create table marts.log as select i as video_id from range(5) r(i)")
    models = [*MODELS, {"schema": "marts", "name": "log", "meta": {"tableau_extract": "none"}}]
    root = tmp_path / "exports"
    export_warehouse(warehouse, models, root)
    assert duckdb.sql(f"select count(*) from '{root}/parquet/marts/log.parquet'").fetchall() == [
        (5,)
    ]
    for extract in ("tiktok_claims", "row_level"):
        frames = pantab.frames_from_hyper(root / "tableau" / f"{extract}.hyper")
        assert ("Extract", "log") not in frames


def test_exports_are_released_as_one_set(warehouse, tmp_path):
    root = tmp_path / "exports"
    for _ in range(3):
        export_warehouse(warehouse, MODELS, root)
    releases = sorted((root / "releases").iterdir())
    assert len(releases) == 2  # the current one and the one before
    current = (root / "current").resolve()
    assert current == releases[-1].resolve()
    for part in ("tableau", "parquet"):
        assert (root / part).is_symlink() and (root / part).resolve() == current / part
    assert (root / "tableau" / "tiktok_claims.hyper").is_file()

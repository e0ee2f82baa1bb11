"""The spark target against DuckDB: same marts, same scores, seeds with quotes, batch partitions.

Run by `make test-spark` (marker `spark`; needs the [spark] extra and Java 17). One Spark
session serves every test: dbt runs in this process (dbtRunner), so dbt-spark's session
mode gets the session this module opened, and the JVM starts once.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")
pytest.importorskip("dbt.adapters.spark")

from conftest import REAL_DATASET, REPO, SAMPLE_DATASET, require_real_dataset, run_dbt  # noqa: E402
from dbt.cli.main import dbtRunner  # noqa: E402

from tiktok_claims import ingest, synthetic  # noqa: E402
from tiktok_claims import spark as tspark  # noqa: E402
from tiktok_claims.reference import seed_rows  # noqa: E402

pytestmark = [
    pytest.mark.spark,
    # pyspark 4.0 calls astype(copy=False), which pandas 3 deprecates
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

SPARK_DIR = Path(os.environ.get("CLAIMS_SPARK_DIR", REPO / "warehouse" / "spark")).resolve()
# the relations compared (Python models and their descendants do not run on the spark target)
COMPARED_SCHEMAS = ("staging", "intermediate", "marts")
# when the build started (intake_batches, base_inbox__videos): two builds, two times
RUN_TIME_COLUMNS = ("loaded_at",)
REL = 1e-9


def _files_outside_warehouse() -> set[str]:
    skip = {".git", ".venv", "warehouse", ".pytest_cache", ".ruff_cache", "node_modules"}
    found = set()
    for root, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in skip and d != "__pycache__"]
        found.update(str(Path(root, f).relative_to(REPO)) for f in files)
    return found


def dbt(*args: str, dataset: Path, project_dir: Path = REPO, dbt_vars: dict | None = None) -> None:
    """`dbt <args> --target spark` in this process, artefacts under the Spark warehouse dir.
    The inbox and decisions file are the daily_inputs fixture's (CLAIMS_INBOX, _DECISIONS)."""
    os.environ["CLAIMS_DATASET"] = str(dataset)
    header = json.dumps(dbt_vars if dbt_vars is not None else ingest.header_vars(str(dataset)))
    result = dbtRunner().invoke(
        [
            *args,
            "--target",
            "spark",
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(REPO),
            "--target-path",
            str(SPARK_DIR / "target"),
            "--log-path",
            str(SPARK_DIR / "logs"),
            "--vars",
            header,
        ]
    )
    assert result.success, f"dbt {' '.join(args)} on spark failed: {result.exception or ''}"


# rows appended to the sample so the compared quarantine is not empty: value-level rejects of
# each kind (structural rejects differ in form; test_casts_... covers them)
REJECTS = [
    ("20001", "claim", "", "12", "a", "verified", "active", "1", "1", "1", "1", "1"),
    ("20002", "claim", "abc", "12", "a", "verified", "active", "1", "1", "1", "1", "1"),
    ("20003", "claim", "9000000003", "1.5", "a", "verified", "active", "1", "1", "1", "1", "1"),
    ("20004", "claim", "9000000004", "12", "a", "verified", "active", "-4", "1", "1", "1", "1"),
    ("20005", "maybe", "9000000005", "12", "a", "verified", "active", "1", "1", "1", "1", "1"),
    ("20006", "claim", "9000000006", "12", "a", "unknown", "active", "1", "1", "1", "1", "1"),
    ("20007", "claim", "9000000007", "12", "a", "verified", "gone", "1", "1", "1", "1", "1"),
    ("20008", "claim", "9000000008", "12", "a", "verified", "active", "1e400", "1", "1", "1", "1"),
    ("20009", "opinion", "9000000009", "12", "it's", "verified", "active", "7", "", "", "", ""),
    ("20010", "claim", "9000000009", "12", "dup", "verified", "active", "1", "1", "1", "1", "1"),
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    """The real file (the bundled sample where it is absent, outside CI) plus REJECTS: the one
    input both engines build from."""
    base = REAL_DATASET if REAL_DATASET.is_file() or os.environ.get("CI") else SAMPLE_DATASET
    if base == REAL_DATASET:
        require_real_dataset()
    path = tmp_path_factory.mktemp("parity") / "dataset_with_rejects.csv"
    text = base.read_text()
    path.write_text(text + "".join(",".join(row) + "\n" for row in REJECTS))
    return path


# moderator decisions for the parity build: accepted ones (a later one overrides), and one of
# each rejection reason; {batch} is a video of the inbox batch, {initial} one of the raw file
DECISIONS = [
    "{batch0},claim,2026-01-02 10:00:00",
    "{batch1},opinion,2026-01-02 10:00:00",
    "{batch1},claim,2026-01-03 09:00:00",
    "{batch2}, Claim ,2026-01-02",
    "{initial},opinion,2026-01-04 08:30:00",
    ",claim,2026-01-02 10:00:00",
    "abc,claim,2026-01-02 10:00:00",
    "12.5,claim,2026-01-02 10:00:00",
    "{batch3},maybe,2026-01-02 10:00:00",
    "{batch4},claim,yesterday",
    "999,claim,2026-01-02 10:00:00",
]


@pytest.fixture(scope="module")
def daily_inputs(tmp_path_factory, dataset) -> Path:
    """An inbox with one batch (value-level rejects only: structural ones differ in form on
    Spark, see README) and a decisions file; CLAIMS_INBOX / CLAIMS_DECISIONS point at them for
    both builds."""
    folder = tmp_path_factory.mktemp("daily")
    batch = synthetic.write_batch(folder / "inbox", day=1, rows=300, hostile=False)
    with batch.open() as fh:
        records = len(fh.readlines()) - 1
    rejects = [(str(records + i), *row[1:]) for i, row in enumerate(REJECTS, start=1)]
    with batch.open("a") as fh:
        fh.write("".join(",".join(row) + "\n" for row in rejects))
    ids = pd.read_csv(batch, dtype=str)["video_id"].head(5).tolist()
    initial = pd.read_csv(dataset, dtype=str, nrows=1)["video_id"].iloc[0]
    fill = {f"batch{i}": v for i, v in enumerate(ids)} | {"initial": initial}
    decisions = folder / "decisions.csv"
    decisions.write_text(
        "video_id,decision,decided_at\n" + "".join(d.format(**fill) + "\n" for d in DECISIONS)
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CLAIMS_INBOX", str(folder / "inbox"))
        env.setenv("CLAIMS_DECISIONS", str(decisions))
        yield folder


@pytest.fixture(scope="module")
def duck(dataset, daily_inputs, spark_build, tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The DuckDB build of the same input: exactly the models the Spark build built (its
    manifest lists the enabled ones)."""
    manifest = json.loads((SPARK_DIR / "target" / "manifest.json").read_text())
    models = sorted(
        node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "model"
    )
    workdir = tmp_path_factory.mktemp("duckdb")
    inputs = {
        "CLAIMS_INBOX": str(daily_inputs / "inbox"),
        "CLAIMS_DECISIONS": str(daily_inputs / "decisions.csv"),
    }
    run_dbt(["seed"], dataset, workdir, **inputs)
    build = run_dbt(["run", "-s", *models], dataset, workdir, **inputs)
    with build.connect() as con:
        yield con


@pytest.fixture(scope="module")
def spark():
    SPARK_DIR.mkdir(parents=True, exist_ok=True)
    return tspark.session()


@pytest.fixture(scope="module")
def spark_build(spark, dataset, daily_inputs):
    """`dbt build --target spark` on the DuckDB build's input; the repo's files before/after."""
    before = _files_outside_warehouse()
    # the unit tests pass on Spark too (`make build-spark` runs them); skipped here for time
    dbt("build", "--exclude-resource-type", "unit_test", dataset=dataset)
    return before, _files_outside_warehouse()


def _tables(spark) -> list[str]:
    return sorted(
        f"{schema}.{row.tableName}"
        for schema in COMPARED_SCHEMAS
        for row in spark.sql(f"show tables in {schema}").collect()
        if not row.isTemporary
    )


def _sort_key(value) -> str:
    """A key that orders rows alike on both engines: numbers by value (6 digits), not type."""
    if _missing(value):
        return ""
    if isinstance(value, str):
        return "s" + value
    if isinstance(value, date):
        return "t" + pd.Timestamp(value).isoformat()
    if isinstance(value, bool | np.bool_):
        return f"b{bool(value)}"
    number = float(value)
    return f"n{int(number)}" if number.is_integer() else f"n{number:.6g}"


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = frame.apply(lambda row: tuple(_sort_key(v) for v in row), axis=1)
    return frame.iloc[np.argsort(keys.to_numpy(), kind="stable")].reset_index(drop=True)


def assert_same_rows(name: str, left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Same columns and rows (any order); text and times equal, numbers equal to 1e-9
    relative. The build's own start time is left out."""
    # Spark stores a partition column last (batch_id of the daily batches' tables)
    assert sorted(left.columns) == sorted(right.columns), f"{name}: columns differ"
    right = right[list(left.columns)]
    left = left.drop(columns=list(RUN_TIME_COLUMNS), errors="ignore")
    right = right.drop(columns=list(RUN_TIME_COLUMNS), errors="ignore")
    assert len(left) == len(right), f"{name}: {len(left)} rows on DuckDB, {len(right)} on Spark"
    left, right = _sorted(left), _sorted(right)
    for column in left.columns:
        a, b = left[column].to_numpy(dtype=object), right[column].to_numpy(dtype=object)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if _missing(x) or _missing(y):
                assert _missing(x) and _missing(y), f"{name}.{column} row {i}: {x!r} != {y!r}"
            elif isinstance(x, str | bool | np.bool_) or isinstance(y, str | bool | np.bool_):
                assert x == y, f"{name}.{column} row {i}: {x!r} != {y!r}"
            elif isinstance(x, date) or isinstance(y, date):
                assert pd.Timestamp(x) == pd.Timestamp(y), (
                    f"{name}.{column} row {i}: {x!r} != {y!r}"
                )
            else:
                assert math.isclose(float(x), float(y), rel_tol=REL, abs_tol=1e-12), (
                    f"{name}.{column} row {i}: {x!r} != {y!r}"
                )


def _missing(value) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def test_every_mart_equals_duckdb(spark, spark_build, duck):
    tables = _tables(spark)
    expected = {
        "staging.base_tiktok__videos",
        "staging.stg_tiktok__videos",
        "staging.stg_tiktok__videos_rejected",
        "marts.ingestion_audit",
        "marts.data_profile",
        "marts.fct_videos",
        "marts.claim_features",
        "marts.engagement_outliers",
        # the daily batches (incremental by batch) and the decisions
        "staging.base_inbox__videos",
        "staging.stg_inbox__videos",
        "staging.stg_inbox__videos_rejected",
        "intermediate.int_videos",
        "intermediate.int_decisions_checked",
        "marts.intake_batches",
        "marts.intake_rejections",
        "marts.moderator_decisions",
        "marts.moderator_decisions_rejected",
    }
    assert expected <= set(tables), f"missing on Spark: {expected - set(tables)}"
    for table in tables:
        assert_same_rows(
            table, duck.sql(f"select * from {table}").df(), spark.table(table).toPandas()
        )


REJECT_REASONS = [
    "missing video_id",
    "non-numeric video_id",
    "non-integer video_duration_sec",
    "negative video_view_count",
    "unknown claim_status",
    "unknown verified_status",
    "unknown author_ban_status",
    "non-numeric video_view_count",
    None,  # it's: staged
    "duplicate video_id",
]


def test_rejected_rows_are_compared(duck):
    """The comparison covers the quarantines: every appended bad row is there, with its
    reason, in the raw file's, the inbox batch's and the decisions file's."""
    [(records,)] = duck.sql("select count(*) from staging.base_tiktok__videos").fetchall()
    first = records - len(REJECTS) + 1
    expected = {first + i: r for i, r in enumerate(REJECT_REASONS) if r is not None}
    reasons = dict(
        duck.sql(
            "select source_row_number, rejection_reason from staging.stg_tiktok__videos_rejected"
            f" where source_row_number >= {first}"
        ).fetchall()
    )
    assert reasons == expected
    batch_reasons = duck.sql(
        "select rejection_reason from staging.stg_inbox__videos_rejected order by 1"
    ).fetchall()
    assert [r for (r,) in batch_reasons] == sorted(r for r in REJECT_REASONS if r)
    decisions = dict(
        duck.sql(
            "select source_row_number, rejection_reason from marts.moderator_decisions_rejected"
        ).fetchall()
    )
    assert decisions == {
        6: "missing video_id",
        7: "non-numeric video_id",
        8: "non-numeric video_id",
        9: "unknown decision (expected claim or opinion)",
        10: "missing or unreadable decided_at",
        11: "unknown video_id",
    }
    [(current,)] = duck.sql(
        "select count(*) from marts.moderator_decisions where is_current"
    ).fetchall()
    assert current == 4  # batch0, batch1 (the later one), batch2, initial


def test_nothing_left_outside_warehouse(spark_build):
    before, after = spark_build
    assert after - before == set(), f"the Spark build left files: {sorted(after - before)}"
    assert not (REPO / "metastore_db").exists() and not (REPO / "derby.log").exists()
    assert (SPARK_DIR / "metastore_db").is_dir()


def test_second_build_changes_nothing(spark, spark_build, dataset):
    first = {t: spark.table(t).toPandas() for t in _tables(spark)}
    dbt("run", dataset=dataset)
    for table, frame in first.items():
        assert_same_rows(f"{table} (second build)", frame, spark.table(table).toPandas())


def test_spark_scoring_equals_duckdb_scoring(spark, spark_build, dataset, tmp_path):
    from tiktok_claims.ml import scoring

    table, rows = tspark.score_warehouse(spark=spark)
    spark_scores = spark.table(table).toPandas()
    assert list(spark_scores.columns) == [
        "video_id",
        "claim_probability",
        "predicted_label",
        "model_version",
    ]
    out, n, _ = scoring.score_file(dataset, tmp_path / "scores.parquet")
    duck_scores = pd.read_parquet(out)
    assert rows == n == len(duck_scores)
    merged = duck_scores.merge(spark_scores, on="video_id", suffixes=("_duckdb", "_spark"))
    assert len(merged) == n
    p, q = merged["claim_probability_duckdb"], merged["claim_probability_spark"]
    assert (p.isna() == q.isna()).all()
    np.testing.assert_allclose(q[p.notna()], p[p.notna()], rtol=REL, atol=0)
    assert (
        merged["predicted_label_duckdb"].fillna("") == merged["predicted_label_spark"].fillna("")
    ).all()
    assert (merged["model_version_duckdb"] == merged["model_version_spark"]).all()


def test_package_functions_take_a_spark_dataframe(spark, spark_build):
    """What dbt.ref() gives a Python model on Databricks: a Spark DataFrame (here the Spark
    warehouse's fct_videos); the answer is the one for the same rows in pandas."""
    from tiktok_claims.ml.verified_logit import split_dataset
    from tiktok_claims.stats.hypothesis import verified_status_tests

    videos = spark.table("marts.fct_videos").orderBy("source_row_number")
    as_pandas = videos.toPandas()
    pd.testing.assert_frame_equal(
        verified_status_tests(videos, alpha=0.05), verified_status_tests(as_pandas, alpha=0.05)
    )
    pd.testing.assert_frame_equal(split_dataset(videos, seed=42), split_dataset(as_pandas, seed=42))


# ------------------------------------------------------------------ casts and broken records

HOSTILE = [
    # value cells that DuckDB's and Spark's casts read differently, if left to them
    ("1", "claim", "101", "12", "a", "verified", "active", "1d", "1", "1", "1", "1"),
    ("2", "claim", "102", "12", "a", "verified", "active", "1_000", "1", "1", "1", "1"),
    ("3", "claim", "103", "12", "a", "verified", "active", "Infinity", "1", "1", "1", "1"),
    ("4", "claim", "104", "12", "a", "verified", "active", "NaN", "1", "1", "1", "1"),
    ("5", "claim", "105", "12", "a", "verified", "active", "1e400", "1", "1", "1", "1"),
    ("6", "claim", "106", "1.7", "a", "verified", "active", "5", "1", "1", "1", "1"),
    ("7", "claim", "107", "12", "a", "verified", "active", " +5 ", ".5e1", "5.", "1", "1"),
    ("8", "claim", "108", "12", "a", "verified", "active", "0x10", "1", "1", "1", "1"),
    ("9", "claim", "109", "3000000000", "a", "verified", "active", "1", "1", "1", "1", "1"),
    ("10", "claim", "1e20", "12", "a", "verified", "active", "1", "1", "1", "1", "1"),
    ("11.5", "opinion", "111", "12", "it's \\ a", "verified", "active", "1", "2", "3", "4", "5"),
]


def _stage_on_spark(spark, path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The staging macros rendered for Spark over a temporary view of `path` (as dbt does)."""
    shape = ingest.inspect(path)
    options = ingest._source_meta("videos")["spark_options"]
    columns = ", ".join(f"`{c}` string" for c in [*shape.file_columns, "_corrupt_record"])
    spark.sql(
        f"create or replace temporary view hostile ({columns}) using csv options ("
        + ", ".join(f"`{k}` '{v}'" for k, v in {"path": str(path), **options}.items())
        + ")"
    )
    spark.createDataFrame(pd.DataFrame(seed_rows("category_values"))).createOrReplaceTempView(
        "hostile_categories"
    )
    macros = ingest._macros()
    base = macros.stage_videos_base(
        "hostile",
        ingest.select_list(shape, engine="spark"),
        "hostile_categories",
        engine="spark",
        corrupt_column="_corrupt_record",
    )
    spark.sql(base).createOrReplaceTempView("hostile_base")
    return (
        spark.sql(macros.stage_videos_staged("hostile_base")).toPandas(),
        spark.sql(macros.stage_videos_rejected("hostile_base")).toPandas(),
    )


def test_casts_give_the_same_answer_on_both_engines(spark, tmp_path):
    with SAMPLE_DATASET.open() as fh:
        header = fh.readline().rstrip("\n")  # the sample's own column order
    lines = [header, *(",".join(row) for row in HOSTILE)]
    lines.append("12,claim,112,12")  # too few fields: a structural reject on both engines
    path = tmp_path / "hostile.csv"
    path.write_text("\n".join(lines) + "\n")

    duck_staged, duck_rejected = (r.df() for r in ingest.stage_file(path))
    spark_staged, spark_rejected = _stage_on_spark(spark, path)
    assert_same_rows("staged", duck_staged, spark_staged)
    # value-level rejects alike; the structural one differs in form (no line on Spark)
    value_level = [c for c in duck_rejected if c != "raw_record" and c != "source_line"]
    duck_values = duck_rejected[duck_rejected["raw_record"].isna()][value_level]
    spark_values = spark_rejected[spark_rejected["raw_record"].isna()][value_level]
    assert_same_rows("rejected", duck_values, spark_values)
    structural = spark_rejected[spark_rejected["raw_record"].notna()]
    assert structural["raw_record"].str.startswith("12,claim,112").tolist() == [True]
    assert structural["source_row_number"].tolist() == [len(HOSTILE) + 1]
    reasons = dict(
        zip(duck_rejected["source_row_number"], duck_rejected["rejection_reason"], strict=True)
    )
    assert reasons[1] == "non-numeric video_view_count"  # '1d' is a double to Java
    assert reasons[6] == "non-integer video_duration_sec"  # not rounded to 2, nor cut to 1
    assert reasons[10] == "non-numeric video_id"  # 1e20 is beyond bigint


# ------------------------------------------------------------------ seeds and batch partitions

CHECK_PROJECT = """
name: spark_checks
version: "0.1.0"
config-version: 2
profile: tiktok_claims
macro-paths: [macros]
seed-paths: [seeds]
model-paths: [models]
seeds:
  spark_checks:
    +schema: spark_checks
    +file_format: parquet
models:
  spark_checks:
    +schema: spark_checks
"""


@pytest.fixture
def check_project(spark, tmp_path):
    """A two-file dbt project over the repo's macros; its schema is dropped afterwards."""
    (tmp_path / "dbt_project.yml").write_text(CHECK_PROJECT)
    (tmp_path / "macros").symlink_to(REPO / "dbt_project" / "macros")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "models").mkdir()
    yield tmp_path
    spark.sql("drop database if exists spark_checks cascade")
    shutil.rmtree(tmp_path / "target", ignore_errors=True)


def test_seed_keeps_quotes_and_empty_cells(spark, check_project):
    (check_project / "seeds" / "quoted.csv").write_text(
        'id,text,note\n1,it\'s,\n2,"back\\slash ""q""",x\n'
    )
    dbt("seed", dataset=SAMPLE_DATASET, project_dir=check_project, dbt_vars={})
    rows = spark.sql("select id, text, note from spark_checks.quoted order by id").collect()
    assert [tuple(r) for r in rows] == [(1, "it's", None), (2, 'back\\slash "q"', "x")]


def test_batches_overwrite_their_partition(spark, check_project):
    """The daily-batch convention (macros/spark.sql batch_incremental): insert_overwrite by
    batch_id, so loading a batch again replaces it and leaves the others."""
    (check_project / "models" / "batches.sql").write_text(
        "{{ config(batch_incremental()) }}\n"
        "select {{ var('n') }} as n, '{{ var('batch_id') }}' as batch_id\n"
    )
    for n, batch in [(1, "a"), (2, "b"), (3, "a")]:
        dbt(
            "run",
            dataset=SAMPLE_DATASET,
            project_dir=check_project,
            dbt_vars={"n": n, "batch_id": batch},
        )
    rows = spark.sql("select n, batch_id from spark_checks.batches order by batch_id").collect()
    assert [tuple(r) for r in rows] == [(3, "a"), (2, "b")]
    partitions = [r[0] for r in spark.sql("show partitions spark_checks.batches").collect()]
    assert sorted(partitions) == ["batch_id=a", "batch_id=b"]

"""Staging + core marts on a 10M-row synthetic file, against a bare DuckDB scan of it.

The file is generated once and cached in BENCH_DIR (default: <tmp>/tiktok_claims_bench),
never in the repo. Every dbt run starts from an empty warehouse. `dbt run` is timed whole,
with the peak RSS of its process; its on-run-end hook (the release: Tableau extracts and
Parquet of the marts built) and each model of a second or more are also shown apart, from
dbt's run_results. The tests are timed once. The bare scan is the best of two on the warm
file, with the threads profiles.yml gives dbt. Two more references, timed once: DuckDB copying
every value as text into a table of a file (what keeping the rows costs before any typing),
and the floor: the same tables and release built from DuckDB's primitives alone, none of the
project's rules. BENCH_ROWS and BENCH_REPEATS scale it down or up.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from tableauhyperapi import Connection, CreateMode

from bench._timing import time_median
from tiktok_claims import synthetic
from tiktok_claims.export.hyper import hyper_process
from tiktok_claims.paths import isolated_env

REPO = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_ROWS", 10_000_000))
REPEATS = int(os.environ.get("BENCH_REPEATS", 3))
WORK = Path(os.environ.get("BENCH_DIR", Path(tempfile.gettempdir()) / "tiktok_claims_bench"))
SELECT = ["--select", "+marts.core", "--indirect-selection=cautious"]
THREADS = int(os.environ.get("CLAIMS_DUCKDB_THREADS", 2))  # as profiles.yml
MEMORY = os.environ.get("CLAIMS_DUCKDB_MEMORY", "2GB")  # as profiles.yml
PEAK_RSS_MB: list[float] = []
NODE_SECONDS: dict[str, list[float]] = {}  # per model (and the hook) of each dbt run
HOOK = "on-run-end"


def dataset() -> Path:
    path = WORK / f"synthetic_{ROWS}_seed{synthetic.DEFAULT_SEED}.csv"
    if not path.is_file():
        start = time.perf_counter()
        synthetic.write(path.with_suffix(".partial.csv"), rows=ROWS).rename(path)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s", flush=True)
    return path


def dbt(args: list[str], path: Path, run_dir: Path) -> None:
    env = isolated_env(path, run_dir)
    dbt_bin = Path(sys.executable).parent / "dbt"
    result = subprocess.run(
        [str(dbt_bin), *args, *SELECT], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"dbt {args[0]} failed:\n{result.stdout[-3000:]}")
    # ru_maxrss of children is the largest child so far (KB on Linux): dbt is the only one
    PEAK_RSS_MB.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    if args[0] == "run":
        results = json.loads((run_dir / "target" / "run_results.json").read_text())["results"]
        for r in results:
            name = HOOK if HOOK in r["unique_id"] else r["unique_id"].split(".")[-1]
            NODE_SECONDS.setdefault(name, []).append(r["execution_time"])


def typed_source(path: Path) -> str:
    """DuckDB's reader with its own type detection; the sample rows cannot show that counts go
    '#N/A' near the end, so say it."""
    return f"read_csv('{path}', nullstr = ['#N/A', ''])"


def scratch_db(folder: str, **settings: object) -> duckdb.DuckDBPyConnection:
    """A DuckDB file in `folder` with dbt's threads and memory limit, spilling there."""
    return duckdb.connect(
        f"{folder}/scratch.duckdb",
        config={"threads": THREADS, "memory_limit": MEMORY, "temp_directory": folder, **settings},
    )


def bare_scan(path: Path) -> None:
    """Parse every value of every column, with DuckDB's own type detection."""
    source = typed_source(path)
    with duckdb.connect(config={"threads": THREADS}) as con:
        columns = [row[0] for row in con.sql(f"describe select * from {source}").fetchall()]
        counts = ", ".join(f'count("{c}")' for c in columns)
        con.sql(f"select {counts} from {source}").fetchall()


def stored_copy(path: Path) -> None:
    """Every value as text into a table of a DuckDB file, in file order (no typing, no checks):
    what any staging that keeps the rows it read pays at least, beside the scan."""
    source = f"read_csv('{path}', all_varchar = true)"
    with tempfile.TemporaryDirectory(dir=WORK) as folder, scratch_db(folder) as con:
        con.sql(f"create table copied as select * from {source}")


def floor(path: Path) -> dict[str, float]:
    """Seconds per step of the least the same work could cost here: DuckDB's typed reader
    straight into a table (no rules, quarantine or numbering), a feature table with the mart's
    derived columns but not the text, a profile of every column, then the feature table's
    Parquet file and Hyper extract. Insertion order is off (DuckDB's faster load); no dbt."""
    seconds: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory(dir=WORK) as folder,
        scratch_db(folder, preserve_insertion_order=False) as con,
    ):

        def step(name: str, sql: str) -> None:
            start = time.perf_counter()
            con.execute(sql)
            seconds[name] = time.perf_counter() - start

        step("typed table", f"create table videos as select * from {typed_source(path)}")
        columns = con.sql("describe videos").fetchall()
        numbers = [c for c, kind, *_ in columns if kind == "BIGINT" and c not in ("#", "video_id")]
        texts = [c for c, kind, *_ in columns if kind == "VARCHAR"]
        counts = [c for c in numbers if c.endswith("_count")]
        text = "video_transcription_text"
        derived = [
            f"length({text}) as chars",
            f"length({text}) - length(replace({text}, ' ', '')) + 1 as words",
            *(f"{c} / nullif(video_view_count, 0) as {c}_rate" for c in counts[1:]),
            *(
                f"case when {c} >= 100000 then 'high' when {c} >= 1000 then 'mid'"
                f" when {c} >= 0 then 'low' end as {c}_bin"
                for c in counts[:4]
            ),
        ]
        selected = ", ".join([f'"{c}"' for c, *_ in columns if c != text] + derived)
        step("feature table", f"create table features as select {selected} from videos")
        profile = [
            f"select '{c}', count({c}), count(distinct {c}), min({c}), max({c}), avg({c}),"
            f" stddev({c}), quantile_cont({c}, [0.25, 0.5, 0.75]) from videos"
            for c in ["video_id", *numbers]
        ] + [
            f"select '{c}', count({c}), count(distinct {c}), null, null, null, null, null"
            " from videos"
            for c in texts
        ]
        step("profile", "create table profile as " + " union all ".join(profile))
        step("Parquet", f"copy features to '{folder}/features.parquet'")
        start = time.perf_counter()
        with (
            hyper_process(Path(folder)) as process,
            Connection(process.endpoint, f"{folder}/features.hyper", CreateMode.CREATE) as hyper,
        ):
            hyper.execute_command(
                f"create table features as (select * from external("
                f"'{folder}/features.parquet', format => 'parquet'))"
            )
        seconds["Hyper extract"] = time.perf_counter() - start
    return seconds


def main() -> None:
    path = dataset()
    size_mb = path.stat().st_size / 1e6
    print(f"dataset: {path} ({ROWS:,} rows, {size_mb:,.0f} MB)", flush=True)
    run_dir = WORK / "run"

    def fresh() -> None:
        # an empty warehouse holding only the reference seeds (not ingestion, so untimed)
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
        dbt(["seed"], path, run_dir)

    bare_scan(path)  # warm the file
    scan = time_median("bare DuckDB scan", lambda: bare_scan(path), 2)
    best_scan = min(scan.seconds)
    copy = time_median(
        "DuckDB copy of every column as text into a table", lambda: stored_copy(path), 1
    )
    least = floor(path)
    tables = least["typed table"] + least["feature table"] + least["profile"]
    print(
        "floor, DuckDB's primitives alone: "
        + ", ".join(f"{name} {s:.1f} s" for name, s in least.items())
        + f"; the three tables {tables:.1f} s = {tables / best_scan:.1f}x the scan,"
        f" with Parquet and Hyper {sum(least.values()):.1f} s ="
        f" {sum(least.values()) / best_scan:.1f}x",
        flush=True,
    )
    build = time_median(
        "dbt run staging + marts.core", lambda: dbt(["run"], path, run_dir), REPEATS, fresh
    )
    tests = time_median("dbt test staging + marts.core", lambda: dbt(["test"], path, run_dir), 1)
    print(
        f"ratio dbt run / bare scan (best of two, {best_scan:.1f} s): "
        f"{build.median / best_scan:.1f}x; peak RSS of dbt {max(PEAK_RSS_MB):,.0f} MB "
        f"(tests add {tests.median:.1f} s)",
        flush=True,
    )
    print(
        f"ratio dbt run / stored copy ({copy.median:.1f} s, itself "
        f"{copy.median / best_scan:.1f}x the scan): {build.median / copy.median:.1f}x",
        flush=True,
    )
    hook = statistics.median(NODE_SECONDS.get(HOOK, [0.0]))
    print(
        f"of which the release hook (extracts, Parquet): median {hook:.1f} s; without it "
        f"{(build.median - hook) / best_scan:.1f}x",
        flush=True,
    )
    # where the run goes: the nodes of a second or more (models beside each other overlap)
    slow = {n: statistics.median(t) for n, t in NODE_SECONDS.items() if max(t) >= 1}
    print(
        "per node, median s: "
        + ", ".join(f"{n} {t:.1f}" for n, t in sorted(slow.items(), key=lambda x: -x[1])),
        flush=True,
    )

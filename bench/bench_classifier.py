"""Claim classifier: the course notebook flow against the full warehouse build, on the real
file, then batch scoring of the 10M-row synthetic file.

1. bench/notebook_flow.py (72 + 24 candidates x 5 folds) vs `make run` (dbt build with every
   model and export, then publish) into a fresh folder; medians and their ratio, and each
   one's test recall and precision. `make run` is timed twice: as on a fresh clone (dbt parses
   the whole project) and as a re-run (dbt's partial parse reuses target/; warehouse, models
   and exports are still rebuilt from nothing).
2. Like for like: the notebook's chosen model, with its own features, refit on the
   warehouse's group-aware train split and scored on the same test rows as the champion.
3. The champion from that build scores marts.claim_features of the synthetic file (built by
   `dbt run --select +claim_features`) in batches, in a fresh process: rows/s and peak RSS.

BENCH_REPEATS (default 3) sets the runs of each build timing, BENCH_NOTEBOOK_REPEATS (default 1:
one run takes minutes) the notebook runs, BENCH_ROWS the synthetic file (see bench_ingest).
"""

from __future__ import annotations

import ast
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from bench import notebook_flow
from bench._timing import time_median
from tiktok_claims.paths import isolated_env

REPO = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("BENCH_REAL_DATASET", REPO.parent / "shared/data/tiktok_dataset.csv"))
REPEATS = int(os.environ.get("BENCH_REPEATS", 3))
NOTEBOOK_REPEATS = int(os.environ.get("BENCH_NOTEBOOK_REPEATS", 1))
BATCH_ROWS = 200_000
BIN = Path(sys.executable).parent


def _run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


def make_run(run_dir: Path) -> None:
    """What `make run` does after the venv exists: dbt build, then publish."""
    env = isolated_env(REAL, run_dir)
    _run([str(BIN / "dbt"), "build"], env)
    _run([sys.executable, "-m", "tiktok_claims", "publish"], env)


def warehouse_split(run_dir: Path) -> pd.Series:
    with duckdb.connect(str(run_dir / "warehouse.duckdb"), read_only=True) as con:
        frame = con.sql("select video_id, split from ml.claim_predictions").df()
    return frame.set_index("video_id")["split"]


def notebook(results: list) -> None:
    out = _run([sys.executable, "bench/notebook_flow.py", str(REAL)], dict(os.environ))
    results.append(ast.literal_eval(out.strip().splitlines()[-1]))


def warehouse_scores(run_dir: Path) -> tuple[str, float, float]:
    with duckdb.connect(str(run_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(
            "select model_name, recall, precision from ml.claim_classifier_metrics "
            "where is_champion and split = 'test'"
        ).fetchall()[0]


def score_worker(warehouse: str, model_dir: str, out: str) -> None:
    """Runs in its own process so its peak RSS is the scoring's alone."""
    from tiktok_claims.ml import persist, scoring

    model, _ = persist.load(Path(model_dir))
    start = time.perf_counter()
    with duckdb.connect(warehouse, read_only=True, config={"memory_limit": "1GB"}) as con:
        con.execute("set enable_progress_bar = false")
        rows = scoring.score_to_parquet(con, "marts.claim_features", model, Path(out), BATCH_ROWS)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print({"rows": rows, "seconds": seconds, "peak_rss_mb": peak_mb})


def main() -> None:
    from bench.bench_ingest import WORK, dataset

    work = WORK / "classifier"
    build_dir = work / "build"

    def fresh() -> None:
        shutil.rmtree(build_dir, ignore_errors=True)
        build_dir.mkdir(parents=True)

    def rerun() -> None:
        # what a second `make run` starts from: dbt's target/ (partial parse), nothing else
        for child in build_dir.iterdir():
            if child.name == "target":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    print(f"real file: {REAL}", flush=True)
    cold = time_median(
        "make run on a fresh clone (dbt build + publish)",
        lambda: make_run(build_dir),
        REPEATS,
        fresh,
    )
    warm = time_median(
        "make run again (partial parse)", lambda: make_run(build_dir), REPEATS, rerun
    )
    name, recall, precision = warehouse_scores(build_dir)
    print(f"warehouse champion {name}: test recall {recall:.4f}, precision {precision:.4f}")
    results: list = []
    flow = time_median("notebook flow", lambda: notebook(results), NOTEBOOK_REPEATS)
    last = results[-1]
    print(
        f"notebook champion {last['champion']} {last['params']}: on its own random split "
        f"test recall {last['test_recall']:.4f}, precision {last['test_precision']:.4f}"
    )
    same = notebook_flow.on_split(str(REAL), last, warehouse_split(build_dir))
    print(
        f"notebook champion on the warehouse's group-aware split: test recall "
        f"{same['test_recall']:.4f}, precision {same['test_precision']:.4f} "
        f"(warehouse champion: {recall:.4f}, {precision:.4f})"
    )
    for label, build in (("fresh clone", cold), ("re-run", warm)):
        print(f"speed-up, {label}: {flow.median / build.median:.1f}x (target >= 10x)", flush=True)

    synthetic = dataset()
    score_dir = work / "score"
    shutil.rmtree(score_dir, ignore_errors=True)
    score_dir.mkdir(parents=True)
    env = isolated_env(synthetic, score_dir)
    start = time.perf_counter()
    _run([str(BIN / "dbt"), "run", "--select", "+claim_features"], env)
    print(f"claim_features for {synthetic.name}: {time.perf_counter() - start:.1f} s", flush=True)
    code = (
        "import sys; from bench.bench_classifier import score_worker; score_worker(*sys.argv[1:])"
    )
    out = _run(
        [
            sys.executable,
            "-c",
            code,
            env["CLAIMS_WAREHOUSE"],
            str(build_dir / "models"),
            str(score_dir / "predictions.parquet"),
        ],
        dict(os.environ),
    )
    stats = ast.literal_eval(out.strip().splitlines()[-1])
    print(
        f"batch scoring: {stats['rows']:,} rows in {stats['seconds']:.1f} s "
        f"({stats['rows'] / stats['seconds']:,.0f} rows/s), "
        f"peak RSS {stats['peak_rss_mb']:,.0f} MB (batches of {BATCH_ROWS:,})"
    )

"""Claim classifier: the course notebook flow against the full warehouse build, on the real
file, then batch scoring of the 10M-row synthetic file.

1. bench/notebook_flow.py (72 + 24 candidates x 5 folds) vs `make run` (dbt build with every
   model, export, figure and summary) into a fresh folder; medians and their ratio, and each
   one's test recall and precision. `make run` is timed twice: as on a fresh clone (dbt parses
   the whole project) and as a re-run (dbt's partial parse reuses target/; warehouse, models
   and exports are still rebuilt from nothing).
2. Like for like: the notebook's chosen model, with its own features, refit on the
   warehouse's group-aware train split and scored on the same test rows as the champion.
3. The classifier's dbt models (fit and its output tables) in each fresh build: seconds
   from dbt's run_results.json (goal: 5 s or less together).
4. `tiktok-claims score` end to end (ingestion rules included) on a 1M-row synthetic file
   with the champion from that build: rows/s and peak RSS of the command's process.

BENCH_REPEATS (default 3) sets the runs of each build timing, BENCH_NOTEBOOK_REPEATS (default 1:
one run takes minutes) the notebook runs, BENCH_SCORE_ROWS the scored file (default 1M).
"""

from __future__ import annotations

import ast
import json
import os
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
SCORE_ROWS = int(os.environ.get("BENCH_SCORE_ROWS", 1_000_000))
CLASSIFIER_MODELS = ("claim_classifier", "claim_confusion_matrix", "claim_predictions")


def _run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


def make_run(run_dir: Path) -> None:
    """`make run` with the venv in place: its dbt build (the on-run-end hook writes the
    exports, figures and summaries and releases them)."""
    _run(["make", "--silent", "build"], isolated_env(REAL, run_dir))


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


def classifier_seconds(run_dir: Path) -> float:
    """Seconds dbt spent on the classifier's models in the last build of run_dir."""
    results = json.loads((run_dir / "target" / "run_results.json").read_text())["results"]
    return sum(
        r["execution_time"]
        for r in results
        if r["unique_id"].startswith("model.")
        and r["unique_id"].split(".")[-1].startswith(CLASSIFIER_MODELS)
    )


# The CLI's main() in a fresh process that then prints its own peak RSS (RUSAGE_CHILDREN
# would also count the dbt builds before it).
SCORE_CODE = (
    "import resource, sys; from tiktok_claims.cli import main; rc = main(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); sys.exit(rc)"
)


def score_command(path: Path, model_dir: Path, out: Path) -> dict:
    """`tiktok-claims score` end to end in a fresh process: wall seconds and peak RSS."""
    args = ["score", str(path), "--out", str(out), "--model-dir", str(model_dir)]
    start = time.perf_counter()
    printed = _run([sys.executable, "-c", SCORE_CODE, *args], dict(os.environ))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": float(printed.strip().splitlines()[-1])}


def main() -> None:
    from bench.bench_ingest import WORK

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
    fit_seconds: list[float] = []

    def cold_run() -> None:
        make_run(build_dir)
        fit_seconds.append(classifier_seconds(build_dir))

    cold = time_median("make run on a fresh clone (dbt build)", cold_run, REPEATS, fresh)
    print(
        "classifier models in a fresh build (train + tables): "
        + ", ".join(f"{s:.1f}" for s in fit_seconds)
        + " s (goal <= 5 s)",
        flush=True,
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

    from tiktok_claims import synthetic

    score_dir = work / "score"
    shutil.rmtree(score_dir, ignore_errors=True)
    score_dir.mkdir(parents=True)
    raw = synthetic.write(score_dir / f"synthetic_{SCORE_ROWS}.csv", rows=SCORE_ROWS)
    runs = [
        score_command(raw, build_dir / "models", score_dir / "scores.parquet")
        for _ in range(REPEATS)
    ]
    seconds = sorted(r["seconds"] for r in runs)[len(runs) // 2]
    each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
    print(
        f"tiktok-claims score: {SCORE_ROWS:,} rows, median {seconds:.1f} s "
        f"({each}) = {SCORE_ROWS / seconds:,.0f} "
        f"rows/s end to end (goal >= 100,000), peak RSS "
        f"{max(r['peak_rss_mb'] for r in runs):,.0f} MB (goal <= 2,048)",
        flush=True,
    )

"""`make daily` on a 1M-report batch: fresh, and after ten earlier 1M batches loaded and reviewed.

A warehouse is built once from the bundled sample (the champion is trained there). Then:
- fresh: the sample warehouse plus one new batch (1M reports, with the hostile rows);
- history: the same warehouse after ten earlier 1M batches were loaded by a daily run and
  reviewed (a moderator decision for every one of their videos), plus the same new batch.
Each timed run is `dbt build --selector daily` (load, score, queue, drift, exports) on a fresh
copy of its starting warehouse; the peak RSS is the daily run's process tree (ru_maxrss of
the largest child). Batches are generated once into BENCH_DIR (default
<tmp>/tiktok_claims_bench/daily). BENCH_DAILY_ROWS and BENCH_REPEATS scale it.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from tiktok_claims import synthetic
from tiktok_claims.paths import isolated_env

REPO = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_DAILY_ROWS", 1_000_000))
EARLIER = int(os.environ.get("BENCH_DAILY_EARLIER", 10))
REPEATS = int(os.environ.get("BENCH_REPEATS", 2))
WORK = Path(os.environ.get("BENCH_DIR", Path(tempfile.gettempdir()) / "tiktok_claims_bench"))
ROOT = WORK / f"daily_{ROWS}"
DBT = Path(sys.executable).parent / "dbt"
# runs a command and prints the peak RSS (KB) of its largest descendant
PEAK = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(r.returncode)"
)


def _run(args: list[str], workdir: Path) -> tuple[float, float]:
    """dbt `args` in `workdir`'s warehouse; (wall seconds, peak RSS in MB)."""
    env = isolated_env(REPO / synthetic.DEFAULT_PATH, workdir)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", PEAK, str(DBT), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"dbt {' '.join(args)} failed in {workdir}:\n{result.stdout[-3000:]}")
    return seconds, int(result.stderr.strip().splitlines()[-1]) / 1024


def _copy(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("inbox", "exports", "logs"))
    (target / "inbox").mkdir()
    return target


def _batches() -> list[Path]:
    folder = ROOT / "batches"
    paths = []
    for day in range(1, EARLIER + 2):
        path = folder / synthetic.batch_name(day)
        if not path.is_file():
            start = time.perf_counter()
            synthetic.write_batch(folder, day, rows=ROWS)
            print(f"generated {path.name} in {time.perf_counter() - start:.0f} s", flush=True)
        paths.append(path)
    return paths


def _base() -> Path:
    base = ROOT / "base"
    if not (base / "warehouse.duckdb").is_file():
        base.mkdir(parents=True, exist_ok=True)
        seconds, _ = _run(["build"], base)
        print(f"built the sample warehouse in {seconds:.0f} s", flush=True)
    return base


def _history(base: Path, earlier: list[Path]) -> Path:
    """The base warehouse after the earlier batches were loaded and every one of their videos
    was decided: the decisions file (one 'opinion' per video id of those batches) is written
    first, so the one daily run that loads them leaves only the new day's reports open, as
    ten days of loading and reviewing would."""
    history = ROOT / "history"
    done = history / "complete"
    if done.is_file():
        return history
    _copy(base, history)
    # one daily run for all of them: the same tables as one run each (tests/test_daily.py)
    for path in earlier:
        shutil.copy2(path, history / "inbox" / path.name)
    files = ", ".join(f"'{path}'" for path in earlier)
    duckdb.sql(
        "select distinct video_id, 'opinion' as decision, "
        "timestamp '2026-01-01 12:00:00' as decided_at "
        f"from read_csv([{files}], all_varchar = true, ignore_errors = true) "
        "where try_cast(video_id as bigint) is not null"
    ).write_csv(str(history / "decisions.csv"))
    seconds, _ = _run(["build", "--selector", "daily"], history)
    print(f"history: loaded and reviewed {len(earlier)} batches in {seconds:.0f} s", flush=True)
    done.touch()
    return history


def _day(start: Path, batch: Path, name: str) -> tuple[float, float]:
    """One timed daily run on a copy of `start` with `batch` dropped into its inbox."""
    work = _copy(start, ROOT / "run")
    if (start / "inbox").is_dir():
        for path in (start / "inbox").iterdir():
            shutil.copy2(path, work / "inbox" / path.name)
    shutil.copy2(batch, work / "inbox" / batch.name)
    seconds, peak = _run(["build", "--selector", "daily"], work)
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        [(loaded, queued)] = con.sql(
            "select (select staged_rows from marts.intake_batches where file_name = "
            f"'{batch.name}'), (select count(*) from marts.moderation_queue)"
        ).fetchall()
    print(
        f"{name}: {seconds:.1f} s, peak RSS {peak:,.0f} MB "
        f"({loaded:,} reports loaded and scored, queue {queued:,}), load {os.getloadavg()}",
        flush=True,
    )
    shutil.rmtree(work)
    return seconds, peak


def main() -> None:
    print(f"load before: {os.getloadavg()}", flush=True)
    *earlier, today = _batches()
    base = _base()
    history = _history(base, earlier)
    # the same batch, fresh and after the history, run by turns
    fresh, late = [], []
    for _ in range(REPEATS):
        fresh.append(_day(base, today, "fresh"))
        late.append(_day(history, today, f"after {len(earlier)} batches"))
    f, h = statistics.median(s for s, _ in fresh), statistics.median(s for s, _ in late)
    print(
        f"median: fresh {f:.1f} s (peak {max(p for _, p in fresh):,.0f} MB), after "
        f"{len(earlier)} batches {h:.1f} s (peak {max(p for _, p in late):,.0f} MB), "
        f"ratio {h / f:.2f}; load after: {os.getloadavg()}",
        flush=True,
    )

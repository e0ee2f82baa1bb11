"""Blue/green builds: a killed build changes nothing users read, readers never block a build,
and a second build at the same time stops with one sentence.

One warehouse (a copy of the session's sample build, so no baseline build of its own) goes
through, in order: builds of another input killed during staging, in a model fit's worker,
during the exports and during the swap, each paused at a named point (CLAIMS_TEST_PAUSE_AT; no
guessed sleeps) and ended by a SIGKILL of the dbt process alone, as an out-of-memory killer
sends it; then a build that succeeds while a reader holds the old file and a second build is
refused.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, REPO

from tiktok_claims import synthetic
from tiktok_claims.paths import isolated_env

PAUSE_TIMEOUT = 900  # s; a loaded CI machine runs a whole build in a few minutes


@pytest.fixture(scope="module")
def site(sample_build, tmp_path_factory) -> Path:
    """A copy of the sample build's folder (warehouse link, releases), for this module to kill."""
    work = tmp_path_factory.mktemp("blue_green") / "site"
    shutil.copytree(sample_build.warehouse.parent, work, symlinks=True)
    return work


@pytest.fixture(scope="module")
def other_input(tmp_path_factory) -> Path:
    """Another file: its build stages other rows and trains a new model (workers)."""
    return synthetic.write(tmp_path_factory.mktemp("other") / "other.csv", rows=3000, seed=7)


def env_for(site: Path, dataset: Path, **extra: str) -> dict[str, str]:
    env = isolated_env(dataset, site)
    # the copy's target/ and logs/ stay where the sample build put them
    return {**env, **extra}


def snapshot(site: Path) -> dict:
    """What users read: the current release's every file (warehouse, models, extracts, figures)."""
    current = (site / "exports" / "current").resolve()
    return {
        "current": current.name,
        "files": {
            str(p.relative_to(current)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(current.rglob("*"))
            if p.is_file()
        },
    }


def assert_one_consistent_run(site: Path) -> tuple:
    warehouse = site / "warehouse.duckdb"
    assert not Path(str(warehouse.resolve()) + ".wal").exists()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (info,) = con.sql("select run_id, input_file_sha256 from marts.build_info").fetchall()
        staged = con.sql("select count(*) from staging.stg_tiktok__videos").fetchall()[0][0]
        facts = con.sql("select count(*) from marts.fct_videos").fetchall()[0][0]
        # every table and view names its run in its comment (macros/stamp_run.sql)
        stamps = con.sql(
            "select comment from duckdb_tables() union"
            " select comment from duckdb_views() where not internal"
        ).fetchall()
        unscored = con.sql(
            "select count(*) from staging.stg_tiktok__videos as s"
            " anti join ml.claim_predictions as p using (video_id)"
        ).fetchall()[0][0]
    assert staged == facts > 0
    assert unscored == 0
    assert stamps == [(f"run {info[0]}",)]
    return info


def group_members(pgid: int) -> list[str]:
    """Live processes (zombies aside) of a process group, as 'pid command'."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == pgid and state != "Z":
            found.append(f"{entry.name} {stat.split(' ', 2)[1]}")
    return found


def start_build(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [str(BIN / "dbt"), "build", *args],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to look for orphans after
        )


def kill_at(point: str, site: Path, dataset: Path, *args: str) -> None:
    marker = site.parent / f"paused-{point}"
    log = site.parent / f"build-{point}.log"
    env = env_for(site, dataset, CLAIMS_TEST_PAUSE_AT=point, CLAIMS_TEST_PAUSE_FILE=str(marker))
    build = start_build(env, log, *args)
    deadline = time.monotonic() + PAUSE_TIMEOUT
    while not marker.exists():
        if build.poll() is not None or time.monotonic() > deadline:
            build.kill()
            pytest.fail(f"the build never reached {point!r}:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    os.kill(build.pid, signal.SIGKILL)  # the build's own process only, not its group
    build.wait()
    deadline = time.monotonic() + 10
    while (left := group_members(build.pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        for pid in [int(p.split()[0]) for p in left]:
            os.kill(pid, signal.SIGKILL)
    assert left == [], f"processes left 10 s after the build was killed at {point}: {left}"


# exports and swap come after every model; a build of build_info alone reaches them fast, and
# its new build_info beside the old tables is exactly the mix users must never see
KILLS = {"staging": (), "worker": (), "exports": ("-s", "build_info"), "swap": ("-s", "build_info")}


@pytest.mark.parametrize("point", list(KILLS))
def test_a_killed_build_changes_nothing_users_read(site, other_input, point):
    before, info = snapshot(site), assert_one_consistent_run(site)
    kill_at(point, site, other_input, *KILLS[point])
    assert snapshot(site) == before
    assert assert_one_consistent_run(site) == info


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
query = "select run_id, (select count(*) from marts.fct_videos) from marts.build_info"
for _ in sys.stdin:
    print(con.sql(query).fetchall(), flush=True)
"""


def test_next_build_recovers_while_a_reader_holds_the_warehouse(site, other_input):
    old_info = assert_one_consistent_run(site)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(site / "warehouse.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask() -> str:
        reader.stdin.write("?\n")
        reader.stdin.flush()
        return reader.stdout.readline()

    try:
        answer = ask()
        log = site.parent / "build-recovery.log"
        build = start_build(env_for(site, other_input), log)
        # a second build while the first holds the lock: refused at once, in one sentence
        lock = site / "exports" / ".build.lock"
        while lock.read_text().strip() != str(build.pid):
            assert build.poll() is None, log.read_text()[-3000:]
            time.sleep(0.2)
        second = subprocess.run(
            [str(BIN / "dbt"), "build"],
            cwd=REPO,
            env=env_for(site, other_input),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert second.returncode != 0
        assert f"another build is running on {site / 'exports'} (PID {build.pid})" in (
            second.stdout
        )
        assert "Traceback" not in second.stdout + second.stderr
        assert ask() == answer  # mid-build
        assert build.wait(timeout=PAUSE_TIMEOUT) == 0, log.read_text()[-3000:]
        assert ask() == answer  # after the swap: the reader keeps its snapshot
    finally:
        reader.stdin.close()
        reader.wait()
    new_info = assert_one_consistent_run(site)
    assert new_info != old_info
    assert new_info[1] == hashlib.sha256(other_input.read_bytes()).hexdigest()
    releases = sorted(p.name for p in (site / "exports" / "releases").iterdir())
    assert len(releases) == 2 and not any(name.endswith(".tmp") for name in releases)

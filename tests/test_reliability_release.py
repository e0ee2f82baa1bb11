"""The release module on its own: the build lock, a full disk, leftovers of killed builds."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tiktok_claims.export import release


@pytest.fixture
def site(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """exports root with one current release (a real DuckDB file and a model), and the link."""
    monkeypatch.setattr(release, "_held_lock", None)
    root, link = tmp_path / "exports", tmp_path / "warehouse" / "tiktok_claims.duckdb"
    with release.new_release(root) as folder:
        (folder / release.WAREHOUSE_FILE).parent.mkdir(parents=True)
        with duckdb.connect(str(folder / release.WAREHOUSE_FILE)) as con:
            con.execute("create table t as select 42 as answer")
        (folder / release.MODELS).mkdir()
        (folder / release.MODELS / "model.skops").write_bytes(b"model")
    release._fixed_link(link, root / "current" / release.WAREHOUSE_FILE)
    yield root, link
    if release._held_lock is not None:
        os.close(release._held_lock)


def digest(root: Path) -> dict[str, str]:
    current = (root / "current").resolve()
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(current.rglob("*"))
        if p.is_file()
    }


def test_build_starts_from_a_copy_of_the_last_good_release(site):
    root, link = site
    built = release.prepare(root, link)
    assert built == root / "releases" / release.NEXT / release.WAREHOUSE_FILE
    assert built.read_bytes() == link.read_bytes()
    assert os.stat(built).st_ino != os.stat(link).st_ino  # a copy, not the same file
    assert (built.parents[1] / release.MODELS / "model.skops").read_bytes() == b"model"


def test_second_build_is_refused_with_the_holders_pid_and_the_kernel_frees_the_lock(site):
    root, link = site
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from tiktok_claims.export import release;"
            " release.lock(sys.argv[1]); print('locked', flush=True); time.sleep(600)",
            str(root),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(release.BuildError) as refused:
            release.prepare(root, link)
        assert str(refused.value) == (
            f"another build is running on {root} (PID {holder.pid}); wait for it to finish, "
            "then run again (users keep reading the last good warehouse meanwhile)"
        )
    finally:
        holder.send_signal(signal.SIGKILL)  # no clean-up: the kernel drops the flock
        holder.wait()
    assert release.prepare(root, link).is_file()


def test_a_full_disk_during_the_copy_ends_with_a_sentence_and_changes_nothing(site, monkeypatch):
    root, link = site
    before = digest(root)

    def full(source, target):
        Path(target).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(release, "clone", full)
    with pytest.raises(release.BuildError, match=r"^the disk holding .* is full: .*untouched\)$"):
        release.prepare(root, link)
    assert not release.build_dir(root).exists()
    assert digest(root) == before
    with duckdb.connect(str(link), read_only=True) as con:
        assert con.sql("select answer from t").fetchall() == [(42,)]


def test_leftovers_of_killed_builds_are_cleared_by_the_next_one(site):
    root, link = site
    current = (root / "current").resolve()
    leftover = release.build_dir(root) / "warehouse"
    leftover.mkdir(parents=True)
    (leftover / "tiktok_claims.duckdb.wal").write_bytes(b"half")
    orphan = root / "releases" / "99991231T000000.000000-killed"  # renamed, never made current
    orphan.mkdir()
    release.prepare(root, link)
    assert not orphan.exists()
    assert not (leftover / "tiktok_claims.duckdb.wal").exists()
    assert (root / "current").resolve() == current


def test_a_build_file_with_a_write_ahead_log_is_not_released(site):
    root, link = site
    built = release.prepare(root, link)
    Path(str(built) + ".wal").write_bytes(b"unflushed")
    before = digest(root)
    with pytest.raises(release.BuildError, match="write-ahead log"):
        release.finish(root, link)
    assert digest(root) == before


def test_a_warehouse_from_before_releases_is_carried_over(tmp_path, monkeypatch):
    monkeypatch.setattr(release, "_held_lock", None)
    root, link = tmp_path / "exports", tmp_path / "warehouse" / "tiktok_claims.duckdb"
    link.parent.mkdir()
    with duckdb.connect(str(link)) as con:
        con.execute("create table t as select 42 as answer")
    (link.parent / "models").mkdir()
    (link.parent / "models" / "model.skops").write_bytes(b"model")
    with release.new_release(root) as folder:  # a release of extracts only, as before
        (folder / "tableau").mkdir()
        (folder / "tableau" / "x.hyper").write_bytes(b"x")
    try:
        built = release.prepare(root, link)
        assert built.read_bytes() == link.read_bytes()
        release._release(root, release.build_dir(root), link)
    finally:
        os.close(release._held_lock)
    assert link.is_symlink() and (link.parent / "models").is_symlink()
    with duckdb.connect(str(link), read_only=True) as con:
        assert con.sql("select answer from t").fetchall() == [(42,)]
    assert (link.parent / "models" / "model.skops").read_bytes() == b"model"

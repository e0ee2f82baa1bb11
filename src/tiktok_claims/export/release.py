"""Releases: everything users read, from one build, made current by one atomic symlink flip.

Layout under the exports root (CLAIMS_EXPORTS, default exports/):

    releases/<id>/warehouse/tiktok_claims.duckdb   the warehouse
    releases/<id>/models/                          the saved champion, its card and results
    releases/<id>/{tableau,parquet,figures,summaries}/
    releases/next.tmp/                             the build in progress (never read by users)
    current -> releases/<id>                       the one flip (os.replace of a symlink)
    tableau, parquet, figures, summaries -> current/<part>
    .build.lock                                    flock'ed by the running build; holds its PID

and the warehouse path users open (CLAIMS_WAREHOUSE, default warehouse/tiktok_claims.duckdb)
is a fixed symlink to current/warehouse/tiktok_claims.duckdb, warehouse/models one to
current/models. A build (`prepare`) takes the lock, copies the last good warehouse and models
into next.tmp (a reflink clone where the filesystem has one), and dbt writes there; when it
succeeds (`finish`), next.tmp is renamed to a release and `current` flips to it. A reader
holding the old file keeps its snapshot; a failed or killed build leaves next.tmp behind,
which the next build removes. The lock is flock(2): the kernel drops it when its holder dies.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from tiktok_claims import processes
from tiktok_claims.cli import MissingTableError

log = logging.getLogger("tiktok_claims.export")

PARTS = ("tableau", "parquet", "figures", "summaries")
WAREHOUSE_FILE = Path("warehouse") / "tiktok_claims.duckdb"  # inside a release
MODELS = "models"
NEXT = "next.tmp"
LOCK = ".build.lock"
KEEP = 2  # the current release and the one before it (a reader may still hold its files)

_held_lock: int | None = None  # fd of the build lock, held until this process ends


class BuildError(RuntimeError):
    """The build cannot start or finish; the message is one sentence saying what to do."""


def build_dir(root: Path) -> Path:
    return Path(root) / "releases" / NEXT


def current_dir(root: Path) -> Path | None:
    link = Path(root) / "current"
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def last_good_warehouse(root: Path, warehouse: Path) -> Path | None:
    """The warehouse users read now: the current release's, or a file from before releases."""
    current = current_dir(root)
    if current is not None and (current / WAREHOUSE_FILE).is_file():
        return current / WAREHOUSE_FILE
    warehouse = Path(warehouse)
    return warehouse if warehouse.is_file() and not warehouse.is_symlink() else None


def lock(root: Path) -> None:
    """Take the build lock or raise BuildError naming the running build's PID."""
    global _held_lock
    if _held_lock is not None:
        return
    Path(root).mkdir(parents=True, exist_ok=True)
    fd = os.open(Path(root) / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise BuildError(
            f"another build is running on {root} (PID {holder}); wait for it to finish, "
            "then run again (users keep reading the last good warehouse meanwhile)"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    _held_lock = fd


def prepare(root: Path, warehouse: Path) -> Path:
    """Lock, clear what a failed build left, and start next.tmp from the last good release.

    Returns the build's warehouse file (it does not exist on a first build).
    """
    root = Path(root)
    lock(root)
    prune(root)
    build = build_dir(root)
    (build / WAREHOUSE_FILE).parent.mkdir(parents=True)
    last = last_good_warehouse(root, warehouse)
    try:
        if last is not None:
            clone(last, build / WAREHOUSE_FILE)
        models = _last_good_models(root, warehouse)
        if models is not None:
            shutil.copytree(models, build / MODELS)
    except OSError as exc:
        shutil.rmtree(build, ignore_errors=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            size = last.stat().st_size / 1e6 if last else 0
            raise BuildError(
                f"the disk holding {root} is full: the build needs room for a copy of the "
                f"warehouse ({size:,.0f} MB); free space and run again "
                "(the last good warehouse is untouched)"
            ) from None
        raise BuildError(f"could not copy the last good warehouse {last}: {exc}") from None
    return build / WAREHOUSE_FILE


def _last_good_models(root: Path, warehouse: Path) -> Path | None:
    current = current_dir(root)
    if current is not None and (current / MODELS).is_dir():
        return current / MODELS
    legacy = Path(warehouse).parent / MODELS  # a model folder from before releases
    return legacy if legacy.is_dir() and not legacy.is_symlink() else None


def clone(source: Path, target: Path) -> None:
    """Copy a file: a reflink clone (no data copied) where the filesystem has one."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), 0x40049409, src.fileno())  # FICLONE (btrfs, xfs)
            return
        except OSError:
            pass
        size = os.fstat(src.fileno()).st_size
        offset = 0
        while offset < size:  # in-kernel copy, no round trip through Python
            copied = os.copy_file_range(src.fileno(), dst.fileno(), size - offset)
            if copied == 0:
                break
            offset += copied


def finish(root: Path, warehouse: Path, export: Callable[[Path], object] | None = None) -> Path:
    """Complete next.tmp with figures and summaries, and `export(db)` (the extracts and
    Parquet files) run meanwhile, then make it the current release.

    The build's warehouse must be checkpointed and detached already (no .wal beside it): the
    figures' process and `export` each open it read-only.
    """
    root = Path(root)
    build = build_dir(root)
    db = build / WAREHOUSE_FILE
    if not db.is_file() or db.with_name(db.name + ".wal").exists():
        raise BuildError(f"{db} is missing or still has a write-ahead log; nothing was released")
    with publishing(db, build):
        if export is not None:
            export(db)
    return _release(root, build, warehouse)


@contextmanager
def publishing(db: Path, out: Path) -> Iterator[None]:
    """tiktok_claims.cli.publish on the build's warehouse, writing into `out`, in a worker
    beside the block (the exports wait on Hyper: side by side, 7.8 s vs 9.6 s). Figures
    that the build drew already (model reporting.figures wrote figures.json) are kept.

    The worker (matplotlib, a fork pool) starts warm, dies with the build and is ended here
    if the block fails.
    """
    job = processes.Job(
        "tiktok_claims.cli:publish",
        kwargs={"figures": not (out / "figures" / "figures.json").is_file()},
        env={"CLAIMS_WAREHOUSE": str(db), "CLAIMS_EXPORTS": str(out)},
    )
    try:
        yield
    except BaseException:
        job.kill()
        raise
    try:
        job.result()
    except MissingTableError as exc:  # a partial build on a new warehouse: like the exporter
        log.warning("figures and summaries skipped (%s)", exc)
        for part in ("figures", "summaries"):
            shutil.rmtree(out / part, ignore_errors=True)
    except Exception as exc:  # noqa: BLE001 - one sentence, as the exporter's errors
        raise BuildError(f"figures and summaries failed, nothing was released: {exc}") from None


@contextmanager
def new_release(root: Path) -> Iterator[Path]:
    """Yields an empty folder to write a release into; made current when the block succeeds."""
    root = Path(root)
    releases = root / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    staging = releases / f"{_release_name()}.tmp"
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _release(root, staging, None)


def _release_name() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S.%f}-{uuid.uuid4().hex[:6]}"  # sorts by time


def _release(root: Path, staging: Path, warehouse: Path | None) -> Path:
    name = _release_name()
    final = root / "releases" / name
    staging.rename(final)
    processes.pause_point("swap")
    _point(root / "current", Path("releases") / name)  # the flip
    # fixed links into current; made once (the first release replaces any older plain files)
    for part in PARTS:
        if (final / part).is_dir():
            _fixed_link(root / part, root / "current" / part)
    if warehouse is not None:
        _fixed_link(Path(warehouse), root / "current" / WAREHOUSE_FILE)
        _fixed_link(Path(warehouse).parent / MODELS, root / "current" / MODELS)
    prune(root)
    return final


def prune(root: Path) -> None:
    """Remove unfinished builds and all but the KEEP newest releases up to current."""
    releases = Path(root) / "releases"
    if not releases.is_dir():
        return
    current = current_dir(root)
    done = sorted(p for p in releases.iterdir() if not p.name.endswith(".tmp"))
    keep = [p for p in done if current is None or p.name <= current.name][-KEEP:]
    for path in releases.iterdir():
        # *.tmp: a build that failed or was killed; newer than current: killed mid-swap
        if path not in keep and (path.name.endswith(".tmp") or current is not None):
            shutil.rmtree(path, ignore_errors=True)


def _fixed_link(link: Path, target: Path) -> None:
    relative = Path(os.path.relpath(os.path.abspath(target), os.path.abspath(link.parent)))
    if link.is_symlink() and Path(os.readlink(link)) == relative:
        return
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder from before releases
    link.parent.mkdir(parents=True, exist_ok=True)
    _point(link, relative)


def _point(link: Path, target: Path) -> None:
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.symlink_to(target)
    os.replace(tmp, link)

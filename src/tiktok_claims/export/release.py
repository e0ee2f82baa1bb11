"""Releases: the export files of one build, made current together by one atomic rename.

Each successful export is written to <exports>/releases/<id>.tmp, renamed to <id>, and then
<exports>/current, a relative symlink, is swapped to point at it (os.replace: atomic). The
familiar paths <exports>/tableau and <exports>/parquet are fixed symlinks into current, so a
reader sees one build's set or the next one's, never a mix, and a failed export leaves current
as it was. More outputs (warehouse copy, figures, summaries) can join a release by being
written into the folder before the swap.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

PARTS = ("tableau", "parquet")
KEEP = 2  # the current release and the one before it (a reader may still hold its files)


@contextmanager
def new_release(root: Path) -> Iterator[Path]:
    """Yields an empty folder to write a release into; made current when the block succeeds."""
    releases = Path(root) / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S.%f}-{uuid.uuid4().hex[:6]}"  # sorts by time
    staging = releases / f"{name}.tmp"
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staging.rename(releases / name)
    _point(Path(root) / "current", Path("releases") / name)
    for part in PARTS:
        link = Path(root) / part
        if not link.is_symlink():
            shutil.rmtree(link, ignore_errors=True)  # a plain folder from before releases
            _point(link, Path("current") / part)
    done = sorted(p for p in releases.iterdir() if not p.name.endswith(".tmp"))
    for old in [p for p in done[:-KEEP] if p.name != name]:
        shutil.rmtree(old, ignore_errors=True)


def _point(link: Path, target: Path) -> None:
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.symlink_to(target, target_is_directory=True)
    os.replace(tmp, link)

"""The inbox of daily report batches: which files are finished, and their identity.

Only the listing and the SHA-256 are done here; DuckDB reads the rows in SQL (the incremental
model staging/inbox/base_inbox__videos). A batch is a finished file in CLAIMS_INBOX (default
data/inbox/): hidden files and names ending in .partial or .tmp are skipped, so a writer
drops a file in safely by writing `x.csv.partial` and renaming it to `x.csv` (a rename is
atomic on one file system). A batch's identity is its file name plus its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import duckdb

from tiktok_claims.paths import DEFAULT_INBOX

SKIPPED_SUFFIXES = (".partial", ".tmp")
FUNCTION = "tiktok_claims_inbox"


def inbox_dir() -> Path:
    return Path(os.environ.get("CLAIMS_INBOX") or DEFAULT_INBOX)


def is_finished(name: str) -> bool:
    """A file a writer has finished: not hidden, not a .partial / .tmp being copied."""
    return not name.startswith(".") and not name.lower().endswith(SKIPPED_SUFFIXES)


# A day lists the inbox twice (the on-run-start check, then the loading model), and every
# loaded batch stays in it: a file whose size and modification time are unchanged since it
# was hashed is not read again. Kept per run here, and across runs in CACHE_FILE in the
# inbox (hidden, so never listed as a batch), so a day does not re-read the history.
_HASHED: dict[tuple[str, int, int], str] = {}
CACHE_FILE = ".sha256-cache.json"
# a file modified this close to the moment its hash was recorded might change again within
# the clock's resolution unseen: hashed again next time (as git does for "racily clean" files)
RACY_NS = 2_000_000_000


def sha256(path: Path, stat: os.stat_result | None = None) -> str:
    """The file's SHA-256; `stat` is the file's stat taken before (the cache key)."""
    stat = stat or path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHED:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                digest.update(block)
        _HASHED[key] = digest.hexdigest()
    return _HASHED[key]


def _load_cache(folder: Path) -> None:
    try:
        cache = json.loads((folder / CACHE_FILE).read_text())
        for name, (size, mtime_ns, digest) in cache["files"].items():
            if mtime_ns < cache["written_ns"] - RACY_NS:
                _HASHED.setdefault((str(folder / name), size, mtime_ns), digest)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache, or an unreadable one: hash the files


def _save_cache(folder: Path, files: dict[str, list]) -> None:
    tmp = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps({"written_ns": time.time_ns(), "files": files}))
        tmp.replace(folder / CACHE_FILE)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only inbox: no cache, the files are hashed


def batch_id(file_name: str, file_sha256: str) -> str:
    """Readable and unique per identity: the name, then the first 12 hex digits of the hash."""
    return f"{file_name}@{file_sha256[:12]}"


def list_batches(directory: str | os.PathLike | None = None) -> list[dict]:
    """The finished files of the inbox, sorted by name: name, absolute path, sha256, batch_id.

    A missing inbox folder is an empty inbox.
    """
    folder = Path(directory) if directory else inbox_dir()
    if not folder.is_dir():
        return []
    _load_cache(folder)
    out, cache = [], {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_file() and is_finished(entry.name):
            stat = entry.stat()
            digest = sha256(Path(entry.path), stat)
            cache[entry.name] = [stat.st_size, stat.st_mtime_ns, digest]
            out.append(
                {
                    "file_name": entry.name,
                    "path": str(Path(entry.path).resolve()),
                    "file_sha256": digest,
                    "batch_id": batch_id(entry.name, digest),
                }
            )
    _save_cache(folder, cache)
    return out


def register_inbox_function(con: duckdb.DuckDBPyConnection) -> None:
    """tiktok_claims_inbox(folder) -> list of struct(file_name, path, file_sha256, batch_id)."""
    struct = duckdb.sqltype(
        "STRUCT(file_name VARCHAR, path VARCHAR, file_sha256 VARCHAR, batch_id VARCHAR)[]"
    )
    con.create_function(
        FUNCTION, list_batches, [duckdb.sqltype("VARCHAR")], struct, side_effects=True
    )

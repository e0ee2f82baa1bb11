"""The inbox of daily report batches: which files are finished, and their identity.

Only the listing and the SHA-256 are done here; DuckDB reads the rows in SQL (the incremental
model staging/inbox/base_inbox__videos). A batch is a finished file in CLAIMS_INBOX (default
data/inbox/): hidden files and names ending in .partial or .tmp are skipped, so a writer
drops a file in safely by writing `x.csv.partial` and renaming it to `x.csv` (a rename is
atomic on one file system). A batch's identity is its file name plus its SHA-256.
"""

from __future__ import annotations

import hashlib
import os
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


# one dbt run lists the inbox twice (the on-run-start check, then the loading model): a file
# whose size and modification time are unchanged since the first hash is not read again
_HASHED: dict[tuple[str, int, int], str] = {}


def sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHED:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                digest.update(block)
        _HASHED[key] = digest.hexdigest()
    return _HASHED[key]


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
    out = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_file() and is_finished(entry.name):
            digest = sha256(Path(entry.path))
            out.append(
                {
                    "file_name": entry.name,
                    "path": str(Path(entry.path).resolve()),
                    "file_sha256": digest,
                    "batch_id": batch_id(entry.name, digest),
                }
            )
    return out


def register_inbox_function(con: duckdb.DuckDBPyConnection) -> None:
    """tiktok_claims_inbox(folder) -> list of struct(file_name, path, file_sha256, batch_id)."""
    struct = duckdb.sqltype(
        "STRUCT(file_name VARCHAR, path VARCHAR, file_sha256 VARCHAR, batch_id VARCHAR)[]"
    )
    con.create_function(
        FUNCTION, list_batches, [duckdb.sqltype("VARCHAR")], struct, side_effects=True
    )

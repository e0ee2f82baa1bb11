"""Where the project reads and writes; each can be redirected by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import yaml

_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"
# The committed synthetic sample (relative to the repo root): the input when CLAIMS_DATASET is
# unset. Written once, as the dbt var `default_dataset`, which the staging source reads too.
_VARS = yaml.safe_load(_PROJECT.read_text())["vars"]
DEFAULT_DATASET: str = _VARS["default_dataset"]
# The daily inbox and the moderator decisions file (dbt vars, read by macros/inbox.sql too).
DEFAULT_INBOX: str = _VARS["default_inbox"]
DEFAULT_DECISIONS: str = _VARS["default_decisions"]


def warehouse_path() -> Path:
    """The DuckDB warehouse file (CLAIMS_WAREHOUSE, as in profiles.yml)."""
    return Path(os.environ.get("CLAIMS_WAREHOUSE", "warehouse/tiktok_claims.duckdb"))


def exports_dir() -> Path:
    """Root of the generated exports: figures/, summaries/, tableau/, parquet/ (CLAIMS_EXPORTS)."""
    return Path(os.environ.get("CLAIMS_EXPORTS", "exports"))


def connect_readonly(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for reading; a built warehouse is required."""
    path = Path(path) if path is not None else warehouse_path()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no warehouse here; run `make run` (or `dbt build`) first")
    return duckdb.connect(str(path), read_only=True)


def isolated_env(dataset: str | os.PathLike, workdir: str | os.PathLike) -> dict[str, str]:
    """Environment for a dbt run on `dataset` that writes only under `workdir` (tests, benches)."""
    workdir = Path(workdir)
    return {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "CLAIMS_DATASET": str(dataset),
        "CLAIMS_WAREHOUSE": str(workdir / "warehouse.duckdb"),
        "CLAIMS_EXPORTS": str(workdir / "exports"),
        "CLAIMS_INBOX": str(workdir / "inbox"),
        "CLAIMS_DECISIONS": str(workdir / "decisions.csv"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }

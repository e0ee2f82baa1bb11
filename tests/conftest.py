"""Shared fixtures: warehouses built by `dbt build` into temporary folders.

Real-data tests need ../shared/data/tiktok_dataset.csv. Locally they skip without it;
in CI (CI=true) a missing file is a failure, never a skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tiktok_claims.paths import DEFAULT_DATASET, isolated_env

REPO = Path(__file__).resolve().parents[1]
REAL_DATASET = REPO.parent / "shared" / "data" / "tiktok_dataset.csv"
SAMPLE_DATASET = REPO / DEFAULT_DATASET
BIN = Path(sys.executable).parent


@dataclass
class Build:
    """A warehouse built by dbt: where it is and what the run printed."""

    dataset: Path
    warehouse: Path
    exports: Path
    result: subprocess.CompletedProcess

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=True)

    def manifest(self) -> dict:
        """target/manifest.json of this build (isolated_env puts target/ beside the warehouse)."""
        return json.loads((self.warehouse.parent / "target" / "manifest.json").read_text())

    def df(self, sql: str):
        with self.connect() as con:
            return con.sql(sql).df()


def run_dbt(
    args: list[str], dataset: Path, workdir: Path, check: bool = True, **extra_env: str
) -> Build:
    """Run `dbt <args>` from the repo root against `dataset`, writing only under `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**isolated_env(dataset, workdir), **extra_env}
    result = subprocess.run(
        [str(BIN / "dbt"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}")
    return Build(dataset, Path(env["CLAIMS_WAREHOUSE"]), Path(env["CLAIMS_EXPORTS"]), result)


def require_real_dataset() -> Path:
    if REAL_DATASET.is_file():
        return REAL_DATASET
    if os.environ.get("CI"):
        pytest.fail(f"{REAL_DATASET} is missing; CI must run the real-data tests")
    pytest.skip(f"{REAL_DATASET} not present")


@pytest.fixture(scope="session")
def real_dataset() -> Path:
    return require_real_dataset()


@pytest.fixture(scope="session")
def real_build(real_dataset, tmp_path_factory) -> Build:
    """The full warehouse built from the real file, once per session."""
    return run_dbt(["build"], real_dataset, tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Build:
    """The full warehouse built from the bundled synthetic sample, once per session."""
    return run_dbt(["build"], SAMPLE_DATASET, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def real_rebuild(real_dataset, tmp_path_factory) -> Build:
    """A second, independent build of the real file: for determinism checks."""
    return run_dbt(["build"], real_dataset, tmp_path_factory.mktemp("real_again"))

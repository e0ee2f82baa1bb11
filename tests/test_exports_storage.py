"""The warehouse file opens in DuckDB 1.4 clients (JDBC/ODBC drivers, Evidence, older CLIs)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_data

OLD_DUCKDB = "duckdb==1.4.*"
# cached between runs: creating it takes ~10 s, reading with it well under a second
OLD_VENV = Path(tempfile.gettempdir()) / "tiktok_claims_duckdb14_venv"


def test_storage_version_is_1_4(real_build):
    with real_build.connect() as con:
        tag = con.sql(
            "select tags['storage_version'] from duckdb_databases()"
            " where database_name = current_database()"
        ).fetchall()[0][0]
    major, minor = map(int, re.match(r"v(\d+)\.(\d+)", tag).groups())
    assert (major, minor) <= (1, 4), tag


def _old_duckdb() -> Path:
    python = OLD_VENV / "bin" / "python"
    if python.exists():
        return python
    staging = Path(tempfile.mkdtemp(prefix="duckdb14_", dir=OLD_VENV.parent))
    try:
        subprocess.run([sys.executable, "-m", "venv", str(staging)], check=True)
        install = subprocess.run(
            [str(staging / "bin" / "pip"), "install", "--quiet", OLD_DUCKDB],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if install.returncode != 0:
            pytest.skip(f"{OLD_DUCKDB} does not install here: {install.stderr[-500:]}")
        os.replace(staging, OLD_VENV)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return python


def test_duckdb_1_4_reads_the_warehouse(real_build):
    with real_build.connect() as con:
        want = {
            f"{s}.{t}": con.sql(f'select count(*) from "{s}"."{t}"').fetchall()[0][0]
            for s, t in con.sql(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema in ('marts', 'stats', 'ml')"
            ).fetchall()
        }
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "names = json.loads(sys.argv[2])\n"
        "print(json.dumps({'version': duckdb.__version__, 'counts': {n: con.sql("
        "f'select count(*) from {n}').fetchall()[0][0] for n in names}}))\n"
    )
    out = subprocess.run(
        [str(_old_duckdb()), "-c", script, str(real_build.warehouse), json.dumps(sorted(want))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["version"].startswith("1.4.")
    assert got["counts"] == want


def test_pinned_duckdb_cli_opens_the_warehouse(real_build):
    """`make sql` runs .venv/bin/duckdb (duckdb-cli) read-only on the warehouse."""
    cli = Path(sys.executable).parent / "duckdb"
    query = "select count(*) from ml.claim_predictions"
    out = subprocess.run(
        [str(cli), "-readonly", "-csv", "-noheader", str(real_build.warehouse), "-c", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with real_build.connect() as con:
        assert int(out) == con.sql(query).fetchall()[0][0] > 0

"""Analyst SQL in analyses/: each says what it answers, compiles, and runs on the real marts."""

from pathlib import Path

import pytest
from conftest import REPO, run_dbt

pytestmark = pytest.mark.real_data

ANALYSES = sorted((REPO / "analyses").glob("*.sql"))


@pytest.mark.parametrize("path", ANALYSES, ids=lambda p: p.name)
def test_analysis_starts_with_its_question(path: Path):
    first = path.read_text().splitlines()[0]
    assert first.startswith("-- Question: ") and first.endswith("?"), first


def test_analyses_compile_and_run(real_build, tmp_path):
    # compile into a scratch dir whose warehouse has the same name, so the compiled
    # relation names resolve in the real build
    compiled = run_dbt(
        ["compile", "--select", "resource_type:analysis"], real_build.dataset, tmp_path
    )
    out = tmp_path / "target" / "compiled" / "tiktok_claims" / "analyses"
    assert compiled.result.returncode == 0
    assert sorted(p.name for p in out.glob("*.sql")) == [p.name for p in ANALYSES]
    with real_build.connect() as con:
        for path in sorted(out.glob("*.sql")):
            rows = con.sql(path.read_text()).fetchall()
            assert rows, f"{path.name} returned no rows"

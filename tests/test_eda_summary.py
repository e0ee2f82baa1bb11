"""The EDA summary reads every number from the warehouse; the render helper fails loudly."""

import shutil

import duckdb
import pytest

from tiktok_claims.summaries import eda
from tiktok_claims.summaries._render import Fact, SummaryError, count, render, share, times

SECTIONS = [
    "## The data: size and quality",
    "## Claims and opinions",
    "## How engagement differs between the two classes",
    "## What verified and ban status suggest",
    "## Outliers, and what they mean for modelling",
    "## Next steps",
]


@pytest.mark.real_data
def test_summary_follows_the_warehouse(real_build, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_WAREHOUSE", str(real_build.warehouse))
    original = eda.write(tmp_path / "original").read_text()
    for heading in SECTIONS:
        assert heading in original
    assert "9,608" in original and "9,476" in original
    assert "{" not in original

    # same file name: dbt's views name the database (catalog) after the file
    copy = tmp_path / "copy" / real_build.warehouse.name
    copy.parent.mkdir()
    shutil.copy(real_build.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        claims = con.sql(
            "select videos from marts.claim_status_summary where claim_status = 'claim'"
        ).fetchall()[0][0]
        con.execute(
            "update marts.claim_status_summary set videos = videos + 1234 "
            "where claim_status = 'claim'"
        )
        con.execute(
            "update marts.engagement_outliers set tukey_outliers = 4321 "
            "where metric = 'video_view_count'"
        )
        # a quarantine the real file does not have
        con.execute("update marts.ingestion_audit set rejected_rows = 5 where row_kind = 'total'")
        con.execute(
            "insert into marts.ingestion_audit (row_kind, rejection_reason, source_rows,"
            " rejected_rows, rejected_share, source_file)"
            " select 'reason', 'duplicate video_id', source_rows, 5, 5 / source_rows,"
            " source_file from marts.ingestion_audit where row_kind = 'total'"
        )
    monkeypatch.setenv("CLAIMS_WAREHOUSE", str(copy))
    changed = eda.write(tmp_path / "changed").read_text()
    assert changed != original
    assert f"**{claims + 1234:,} are claims" in changed
    assert f"**{claims:,} are claims" in original
    assert "| views | " in changed and " 4,321 (" in changed
    assert " 4,321 (" not in original
    assert "No row was quarantined" in original
    assert "5 rows were quarantined" in changed and "duplicate video_id (5)" in changed


def test_render_formats_each_fact():
    con = duckdb.connect()
    facts = {
        "n": Fact("select 9608", count),
        "s": Fact("select 0.5035", share),
        "r": Fact("select 101.3", times),
        "w": Fact("select case when 2 > 1 then 'more' else 'fewer' end"),
        "gap": Fact("select null", count, if_null="none"),
    }
    text = render("{n} claims ({s}), {r} {w}; gap {gap}", facts, con)
    assert text == "9,608 claims (50.3%), 101× more; gap none"


@pytest.mark.parametrize(
    ("template", "facts", "message"),
    [
        ("{a} {b}", {"a": Fact("select 1")}, "without a fact"),
        ("{a}", {"a": Fact("select 1"), "b": Fact("select 2")}, "never uses"),
        ("{a}", {"a": Fact("select null")}, "NULL"),
        ("{a}", {"a": Fact("select * from range(2)")}, "one value"),
        ("{a}", {"a": Fact("select 1, 2")}, "one value"),
        ("{a}", {"a": Fact("select * from no_such_table")}, "query failed"),
    ],
)
def test_render_rejects_bad_facts(template, facts, message):
    with pytest.raises(SummaryError, match=message):
        render(template, facts, duckdb.connect())

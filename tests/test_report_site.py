"""The built report site in headless Chromium: offline, error-free, accessible, and true to
the warehouse it was built from. Needs `make report` first (CI runs it before pytest)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from tiktok_claims.paths import exports_dir

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "reports"
BUILD = REPORTS / "build"
# `make report` copies the warehouse here and builds the site from this snapshot.
SNAPSHOT = REPORTS / ".warehouse" / "tiktok_claims.duckdb"
PAGES = [
    "/",
    "/claim-classifier",
    "/data-inspection",
    "/drift",
    "/eda",
    "/moderation-queue",
    "/project-plan",
    "/verified-predictors",
    "/verified-vs-unverified",
]
# Charts each page must draw (each with a data table beside it).
MIN_CHARTS = {
    "/": 1,
    "/eda": 7,
    "/verified-vs-unverified": 1,
    "/verified-predictors": 1,
    "/claim-classifier": 2,
}


def exports() -> Path:
    path = exports_dir()
    return path if path.is_absolute() else REPO / path


def require_build() -> None:
    ready = (BUILD / "index.html").is_file() and SNAPSHOT.is_file()
    if not ready:
        if os.environ.get("CI"):
            pytest.fail("reports/build is missing: `make report` must run before pytest in CI")
        pytest.skip("report not built; run `make report`")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict:
    require_build()
    out = tmp_path_factory.mktemp("site") / "site.json"
    shots = exports() / "report_screenshots"
    result = subprocess.run(
        ["node", "tests/site.mjs", str(BUILD), str(out), str(shots)],
        cwd=REPORTS,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def warehouse():
    require_build()
    with duckdb.connect(str(SNAPSHOT), read_only=True) as con:
        yield con


def scalar(con, sql: str):
    return con.sql(sql).fetchall()[0][0]


def count(n: int) -> str:
    return f"{n:,}"


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def test_every_page_loads(site):
    assert set(PAGES) <= set(site["routes"])
    for route, page in site["pages"].items():
        assert page["status"] == 200, route


def test_no_request_leaves_localhost(site):
    assert site["outside"] == []
    for route, page in site["pages"].items():
        assert page["failed"] == [], route


def test_no_console_or_page_errors(site):
    for route, page in site["pages"].items():
        assert page["consoleErrors"] == [], route
        assert page["pageErrors"] == [], route
        assert "Error in Query" not in page["text"], route


def test_axe_finds_nothing(site):
    found = {route: page["violations"] for route, page in site["pages"].items()}
    assert {route: v for route, v in found.items() if v} == {}


def test_every_chart_is_drawn_with_a_table_beside_it(site):
    for route, page in site["pages"].items():
        charts = page["charts"]
        assert len(charts) >= MIN_CHARTS.get(route, 0), route
        for chart in charts:
            assert chart["canvas"], route
            # A blank canvas has one colour; axes, labels and bars give many.
            assert chart["colours"] > 10, (route, chart)
        assert page["tables"] >= len(charts), route


def test_headings_in_order_and_keyboard_reaches_links(site):
    for route, page in site["pages"].items():
        levels = [h["level"] for h in page["headings"]]
        assert levels and levels[0] == 1, route
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (route, levels)
        assert "a" in page["focused"], route


def test_screenshot_per_page(site):
    for route in site["pages"]:
        name = "index" if route == "/" else route[1:]
        shot = exports() / "report_screenshots" / f"{name}.png"
        assert shot.is_file() and shot.stat().st_size > 10_000, shot


def test_overview_numbers_match_the_warehouse(site, warehouse):
    text = site["pages"]["/"]["text"]
    videos = "marts.fct_videos"
    total = scalar(warehouse, f"select count(*) from {videos}")
    claims = scalar(warehouse, f"select count(*) from {videos} where claim_status = 'claim'")
    opinions = scalar(warehouse, f"select count(*) from {videos} where claim_status = 'opinion'")
    verified = scalar(
        warehouse,
        f"select avg(case when claim_status = 'claim' then 1 else 0 end) from {videos} "
        "where verified_status = 'verified' and claim_status is not null",
    )
    unlabeled = total - claims - opinions
    for expected in [count(total), count(claims), count(opinions), count(unlabeled)]:
        assert expected in text
    assert pct(claims / (claims + opinions)) in text
    assert pct(verified) in text


def test_eda_numbers_match_the_warehouse(site, warehouse):
    text = site["pages"]["/eda"]["text"]
    fct = warehouse.sql(
        "select views_bin, count(*) filter (where claim_status = 'claim'), "
        "count(*) filter (where claim_status = 'opinion') "
        "from marts.fct_videos where views_bin is not null group by views_bin"
    ).fetchall()
    for bin_label, claims, opinions in fct:
        row = re.search(rf"{re.escape(bin_label)}\s+{count(claims)}\s+{count(opinions)}\s", text)
        assert row, (bin_label, claims, opinions)
    banned = scalar(
        warehouse,
        "select count(*) from marts.fct_videos "
        "where author_ban_status = 'banned' and claim_status = 'claim'",
    )
    assert count(banned) in text


def test_data_inspection_numbers_match_the_warehouse(site, warehouse):
    text = site["pages"]["/data-inspection"]["text"]
    staged = scalar(warehouse, "select count(*) from staging.stg_tiktok__videos")
    rejected = scalar(warehouse, "select count(*) from staging.stg_tiktok__videos_rejected")
    assert f"{count(staged + rejected)} rows" in text
    assert f"{count(staged)} passed" in text
    profiled = warehouse.sql("select column_name from marts.data_profile").fetchall()
    assert f"raw file has {len(profiled)} columns" in text
    for (column,) in profiled:
        assert column in text


def test_hypothesis_tests_in_plain_words(site, warehouse):
    text = site["pages"]["/verified-vs-unverified"]["text"]
    rows = warehouse.sql(
        "select conclusion, p_value_adjusted, alpha from stats.hypothesis_tests"
    ).fetchall()
    for conclusion, _, _ in rows:
        assert conclusion in text
    significant = sum(p < alpha for _, p, alpha in rows)
    assert f"{significant} of the {len(rows)} tests" in text


def test_regression_numbers_match_the_warehouse(site, warehouse):
    text = site["pages"]["/verified-predictors"]["text"]
    auc = scalar(warehouse, "select roc_auc from ml.verified_logit_metrics where split = 'test'")
    assert f"{auc:.3f}" in text
    checks = warehouse.sql("select passed from ml.verified_logit_assumptions").fetchall()
    assert f"{sum(p for (p,) in checks)} of the {len(checks)} checks passed" in text
    features = warehouse.sql(
        "select feature_description from ml.verified_logit_coefficients "
        "where feature <> 'intercept'"
    ).fetchall()
    for (feature,) in features:
        assert feature in text


def test_classifier_numbers_match_the_warehouse(site, warehouse):
    text = site["pages"]["/claim-classifier"]["text"]
    # The champion's test recall and precision, recomputed from its predictions.
    model, variant = warehouse.sql(
        "select model_name, variant from ml.claim_classifier_metrics "
        "where is_champion and split = 'test'"
    ).fetchall()[0]
    tp, fn, fp = warehouse.sql(
        "select count(*) filter (where actual_label = 'claim' and predicted_label = 'claim'), "
        "count(*) filter (where actual_label = 'claim' and predicted_label = 'opinion'), "
        "count(*) filter (where actual_label = 'opinion' and predicted_label = 'claim') "
        "from ml.claim_predictions where split = 'test'"
    ).fetchall()[0]
    from tiktok_claims.ml.names import DISPLAY_NAMES

    assert DISPLAY_NAMES[model] in text and model not in text and variant
    assert pct(tp / (tp + fn)) in text
    assert pct(tp / (tp + fp)) in text
    assert pct(tp / (tp + fn)) in site["pages"]["/"]["text"]


def test_queue_top_matches_the_warehouse(site, warehouse):
    text = site["pages"]["/moderation-queue"]["text"]
    # open: no report of the video carries a label, and no moderator decision
    open_ids = {
        v
        for (v,) in warehouse.sql(
            "select video_id from (select video_id, claim_status from staging.stg_tiktok__videos "
            "union all select video_id, claim_status from staging.stg_inbox__videos) "
            "group by video_id having count(claim_status) = 0 "
            "except select video_id from marts.moderator_decisions"
        ).fetchall()
    }
    assert f"The queue holds {count(len(open_ids))} open videos" in text
    today = min(len(open_ids), 1000)
    assert f"{count(today)} are on today's list" in text
    first = scalar(warehouse, "select video_id from marts.moderation_queue where queue_rank = 1")
    assert first in open_ids
    assert str(first) in text


def test_project_plan_page_is_made_from_the_doc():
    """docs/project_plan.md is the one copy; `make report` derives the page from it."""
    require_build()
    doc = (REPO / "docs" / "project_plan.md").read_text()
    html = (BUILD / "project-plan" / "index.html").read_text()
    headings = re.findall(r"^#{2,3} (.+)$", doc, flags=re.M)
    assert headings
    for heading in headings:
        assert f">{heading}<" in html, heading

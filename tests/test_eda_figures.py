"""EDA figures: drawn during the build (model reporting.figures), or by `publish` from a
warehouse; valid PNGs, described in figures.json, readable (text >= 11 pt, titles that carry
a number from the data)."""

import json
from datetime import datetime

import matplotlib
import matplotlib.image
import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from tiktok_claims import figures
from tiktok_claims.cli import PUBLISH_STEPS

pytestmark = pytest.mark.real_data

# The figures the issue lists (box plot and histogram per count metric, bins per metric).
METRIC_LABELS = ["views", "likes", "shares", "downloads", "comments"]
EXPECTED = {
    "claim_status_counts.png",
    "author_ban_status_counts.png",
    *(f"box_{m}.png" for m in METRIC_LABELS),
    *(f"hist_{m}.png" for m in METRIC_LABELS),
    "claims_by_verified_status.png",
    "claims_by_ban_status.png",
    "median_views_by_ban_status.png",
    "class_share_of_views.png",
    "views_vs_likes.png",
    *(f"bins_{m}.png" for m in ["views", "likes", "shares", "downloads"]),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def published(real_build):
    """The figures the build released (drawn by its model reporting.figures)."""
    return real_build.exports / "figures"


def test_figures_registered_in_publish():
    assert "tiktok_claims.figures:write_figures" in PUBLISH_STEPS


def test_every_figure_is_a_valid_png(published):
    for name in sorted(EXPECTED):
        path = published / name
        assert path.is_file(), name
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE), name
        assert len(data) > 15_000, name
        pixels = matplotlib.image.imread(path)
        assert pixels.shape[0] >= 300 and pixels.shape[1] >= 500, name
        assert pixels[..., :3].std() > 0.05, f"{name} is (nearly) blank"


def test_figures_json_describes_every_figure(published, real_build):
    entries = {e["file"]: e for e in json.loads((published / "figures.json").read_text())}
    assert set(entries) == EXPECTED
    with real_build.connect() as con:
        tables = {
            f"{schema}.{name}"
            for schema, name in con.sql(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
    for name, entry in entries.items():
        assert len(entry["alt_text"].strip()) >= 40, name
        assert any(ch.isdigit() for ch in entry["alt_text"]), name
        # titles state a finding with a number read from the data, not the chart type
        assert any(ch.isdigit() for ch in entry["title"]), name
        assert entry["source_table"] in tables, name
        assert entry["source_table"] == entry["source_tables"][0]
        assert set(entry["source_tables"]) <= tables, name
        assert "raw." not in " ".join(entry["source_tables"])


def test_text_is_at_least_11pt_and_colours_are_colour_blind_safe(real_build):
    """Draw each figure in-process and inspect every visible text and filled patch."""
    palette = {matplotlib.colors.to_rgb(c) for c in (figures.BLUE, figures.ORANGE, figures.GREY)}
    with real_build.connect() as con, plt.rc_context(figures.STYLE):
        for name, draw in figures.FIGURES.items():
            fig, title, _alt, _tables = draw(con)
            try:
                fig.canvas.draw()
                for text in fig.findobj(Text):
                    if text.get_visible() and text.get_text().strip():
                        assert text.get_fontsize() >= 11, (name, text.get_text())
                for ax in fig.axes:
                    for patch in ax.patches:
                        if patch.get_fill() and patch.get_facecolor()[3] > 0:
                            rgb = tuple(round(v, 3) for v in patch.get_facecolor()[:3])
                            assert rgb in {tuple(round(v, 3) for v in c) for c in palette}, name
                assert title
            finally:
                plt.close(fig)


@pytest.mark.parametrize("metric", ["video_like_count", "video_comment_count"])
def test_box_plots_aggregated_in_sql_match_matplotlib(real_build, metric):
    """The SQL box statistics equal matplotlib's own, computed from every value."""
    values = real_build.df(
        f"select claim_status, {metric} as v from marts.fct_videos "
        f"where claim_status is not null and {metric} is not null"
    )
    with real_build.connect() as con:
        boxes = figures._box_stats(con, metric)
    for c in figures.CLASSES:
        expected = matplotlib.cbook.boxplot_stats(values.v[values.claim_status == c].to_numpy())[0]
        for key in ("q1", "med", "q3", "whislo", "whishi"):
            assert boxes[c][key] == pytest.approx(expected[key]), (c, key)
        assert sorted(boxes[c]["fliers"]) == sorted(expected["fliers"]), c


def test_the_build_draws_the_figures_before_its_release_step(real_build, published):
    """reporting.figures drew them during the build (every PNG is older than the on-run-end
    hook), the release step kept them, and the table is figures.json row for row."""
    results = json.loads((real_build.warehouse.parent / "target" / "run_results.json").read_text())
    (hook,) = [r for r in results["results"] if "on-run-end" in r["unique_id"]]
    hook_started = datetime.fromisoformat(hook["timing"][0]["started_at"]).timestamp()
    for name in EXPECTED:
        assert (published / name).stat().st_mtime < hook_started, name
    catalog = real_build.df("select * from reporting.figures order by file")
    (node,) = [n for n in real_build.manifest()["nodes"].values() if n["name"] == "figures"]
    declared = [(c["name"], c["data_type"].upper()) for c in node["columns"].values()]
    with real_build.connect() as con:
        assert con.sql("describe reporting.figures").fetchall() == [
            (name, kind, "YES", None, None, None) for name, kind in declared
        ]
    described = json.loads((published / "figures.json").read_text())
    described.sort(key=lambda e: e["file"])
    assert catalog["file"].tolist() == [e["file"] for e in described]
    assert catalog["title"].tolist() == [e["title"] for e in described]
    assert catalog["alt_text"].tolist() == [e["alt_text"] for e in described]
    assert catalog["source_tables"].tolist() == [", ".join(e["source_tables"]) for e in described]


def test_figures_from_the_handed_over_marts_say_what_the_warehouse_says(
    real_build, tmp_path, monkeypatch
):
    """The build's path (Arrow tables handed to a worker) and `publish`'s (SQL on the
    warehouse file) give every figure the same title and alt text: both come from the data."""
    monkeypatch.setenv("CLAIMS_WAREHOUSE", str(real_build.warehouse))
    from_warehouse = {e.file: e for e in figures.write_figures(tmp_path, processes=1)}
    catalog = real_build.df("select file, title, alt_text from reporting.figures")
    assert set(catalog["file"]) == set(from_warehouse) == EXPECTED
    for row in catalog.itertuples():
        assert row.title == from_warehouse[row.file].title, row.file
        assert row.alt_text == from_warehouse[row.file].alt_text, row.file

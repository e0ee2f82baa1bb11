"""EDA figures, drawn from the marts (never the raw file).

A build draws them in its dbt model reporting.figures (`draw_marts`, from the marts dbt hands
it) into the build's release folder; `write_figures()` (the `publish` step) draws them from a
warehouse. Both write figures/*.png and figures.json, one entry per figure: file, title, alt
text, and the warehouse tables it reads.

Accessibility rules, kept in every figure: Okabe-Ito colours (colour-blind safe, never red
against green); claim vs opinion also told by hatching or marker shape and by direct labels;
all text at least 11 pt; titles state the finding and are computed from the data.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import textwrap
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import duckdb  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from tiktok_claims.formats import human
from tiktok_claims.paths import connect_readonly, exports_dir  # noqa: E402
from tiktok_claims.processes import die_with_parent
from tiktok_claims.reference import metric_labels

# Okabe-Ito; claims are also hatched / triangles, opinions plain / circles.
BLUE, ORANGE, GREY = "#0072B2", "#E69F00", "#999999"
CLASS_STYLE = {
    "claim": {"color": ORANGE, "hatch": "//", "marker": "^"},
    "opinion": {"color": BLUE, "hatch": "", "marker": "o"},
    "unlabeled": {"color": GREY, "hatch": "..", "marker": "s"},
}
CLASSES = ("claim", "opinion")
AUTHORS = {
    "active": "active authors",
    "under review": "authors under review",
    "banned": "banned authors",
}
METRICS = metric_labels()
BIN_METRICS = ("video_view_count", "video_like_count", "video_share_count", "video_download_count")

STYLE = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "hatch.linewidth": 1.2,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 110,
}
MIN_FONT_PT = 11


@dataclass
class FigureEntry:
    """One row of figures.json."""

    file: str
    title: str
    alt_text: str
    source_table: str
    source_tables: list[str]


def pct(share: float, digits: int = 0) -> str:
    """0.503 -> '50%'; one decimal more when rounding would show 0% or 100%."""
    if digits == 0 and round(100 * share) in (0, 100) and share not in (0, 1):
        digits = 1
    return f"{100 * share:.{digits}f}%"


def ratio(a: float, b: float) -> str:
    """a/b as '~100×' (b > 0)."""
    r = a / b
    return f"~{r:,.0f}×" if r >= 10 else f"{r:.1f}×"


def _tick(value: float) -> str:
    """Axis tick: 0 / 500 / 8k / 250k / 1.5M (one style per axis)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}" if value >= 0 else ""


def _axis_human(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: _tick(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _new(figsize=(8.5, 5.2)):
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def _title(ax, text: str) -> None:
    ax.set_title(textwrap.fill(text, 72), loc="left")


def _bar_labels(ax, bars, labels: list[str]) -> None:
    ax.bar_label(bars, labels=labels, padding=3, fontsize=MIN_FONT_PT + 1)


def _q(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.sql(sql).df()


# --- figures -------------------------------------------------------------------------------
# Each returns (figure, title, alt text, tables read); the first table is the main source.

Drawn = tuple[plt.Figure, str, str, list[str]]


def claim_status_counts(con) -> Drawn:
    df = _q(con, "select * from marts.claim_status_summary order by status_order")
    by = df.set_index("claim_status")
    claim, opinion = by.loc["claim"], by.loc["opinion"]
    gap = abs(claim.share_of_labeled - opinion.share_of_labeled)
    lead = "claim" if claim.videos >= opinion.videos else "opinion"
    if gap < 0.05:
        title = (
            f"Labeled videos split almost evenly: {pct(claim.share_of_labeled, 1)} claims, "
            f"{pct(opinion.share_of_labeled, 1)} opinions"
        )
    else:
        title = f"{lead.capitalize()}s are {pct(by.loc[lead].share_of_labeled)} of labeled videos"
    fig, ax = _new()
    for i, row in enumerate(df.itertuples()):
        style = CLASS_STYLE[row.claim_status]
        bars = ax.bar(
            i, row.videos, color=style["color"], hatch=style["hatch"], edgecolor="black", width=0.6
        )
        share_text = (
            f"{pct(row.share_of_all, 1)} of all"
            if row.claim_status == "unlabeled"
            else f"{pct(row.share_of_labeled, 1)} of labeled"
        )
        _bar_labels(ax, bars, [f"{row.videos:,} ({share_text})"])
    ax.set_xticks(range(len(df)), [s.capitalize() for s in df.claim_status])
    ax.set_ylabel("Videos")
    _axis_human(ax)
    _title(ax, title)
    parts = ", ".join(f"{r.videos:,} {r.claim_status}" for r in df.itertuples())
    alt = (
        f"Bar chart of video counts by claim status: {parts}. Among labeled videos, "
        f"{pct(claim.share_of_labeled, 1)} are claims and "
        f"{pct(opinion.share_of_labeled, 1)} opinions."
    )
    return fig, title, alt, ["marts.claim_status_summary"]


def _ban_status_bars(df: pd.DataFrame, values, labels: list[str], ylabel: str, title: str):
    """One plain bar per author ban status (no class split), each labelled directly."""
    fig, ax = _new()
    bars = ax.bar(df.author_ban_status.str.capitalize(), values, color=BLUE, width=0.6)
    _bar_labels(ax, bars, labels)
    ax.set_xlabel("Author ban status")
    ax.set_ylabel(ylabel)
    _axis_human(ax)
    _title(ax, title)
    return fig


def author_ban_status_counts(con) -> Drawn:
    df = _q(con, "select * from marts.author_ban_status_summary order by status_order")
    total = df.videos.sum()
    top = df.loc[df.videos.idxmax()]
    others = [r for r in df.itertuples() if r.author_ban_status != top.author_ban_status]
    title = (
        f"Most videos ({pct(top.videos / total)}) come from {AUTHORS[top.author_ban_status]}; "
        + (
            " and ".join(
                f"{pct(r.videos / total)} from {AUTHORS[r.author_ban_status]}" for r in others
            )
        )
    )
    fig = _ban_status_bars(
        df, df.videos, [f"{v:,} ({pct(v / total)})" for v in df.videos], "Videos", title
    )
    parts = ", ".join(f"{r.author_ban_status} {r.videos:,}" for r in df.itertuples())
    alt = f"Bar chart of videos by author ban status: {parts} (of {total:,} videos)."
    return fig, title, alt, ["marts.author_ban_status_summary"]


def _class_stats(con, metric: str) -> pd.DataFrame:
    return _q(
        con,
        f"select * from marts.engagement_by_claim_status where metric = '{metric}'",
    ).set_index("claim_status")


# Figures aggregate in SQL and fetch at most this many points per class, so they stay fast
# on a warehouse of millions of videos (on the real file every point is drawn).
MAX_POINTS = 10_000


def _labeled(metric: str) -> str:
    return (
        f"select claim_status, {metric} as value from marts.fct_videos "
        f"where claim_status is not null and {metric} is not null"
    )


def _box_stats(con, metric: str) -> dict[str, dict]:
    """matplotlib bxp() input per class: quartiles, Tukey whiskers, a sample of the fliers."""
    stats = _q(
        con,
        f"""
        with values_ as ({_labeled(metric)}),
        quartiles as (
            select
                claim_status,
                percentile_cont(0.25) within group (order by value) as q1,
                percentile_cont(0.5) within group (order by value) as med,
                percentile_cont(0.75) within group (order by value) as q3
            from values_ group by claim_status
        )
        select
            quartiles.claim_status, q1, med, q3,
            min(value) filter (where value >= q1 - 1.5 * (q3 - q1)) as whislo,
            max(value) filter (where value <= q3 + 1.5 * (q3 - q1)) as whishi
        from quartiles inner join values_ using (claim_status)
        group by all
        """,
    ).set_index("claim_status")
    boxes = {}
    for c in CLASSES:
        row = stats.loc[c]
        fliers = _q(
            con,
            # the sample clause applies to FROM, so filter inside the subquery
            f"select value from ({_labeled(metric)} and claim_status = '{c}' "
            f"and ({metric} < {row.whislo} or {metric} > {row.whishi})) "
            f"using sample reservoir({MAX_POINTS} rows) repeatable (42)",
        ).value.to_numpy()
        boxes[c] = {"label": f"{c.capitalize()}s", "fliers": fliers, **row.to_dict()}
    return boxes


def _median_title(stats: pd.DataFrame, label: str) -> str:
    claim, opinion = stats.loc["claim"], stats.loc["opinion"]
    if opinion["median"] > 0 and claim["median"] >= opinion["median"]:
        return (
            f"Claim videos get {ratio(claim['median'], opinion['median'])} the {label} of "
            f"opinions (median {human(claim['median'])} vs {human(opinion['median'])})"
        )
    return (
        f"Median {label}: {human(claim['median'])} for claims, "
        f"{human(opinion['median'])} for opinions"
    )


def box_plot(metric: str) -> Callable[..., Drawn]:
    label = METRICS[metric]

    def draw(con) -> Drawn:
        stats = _class_stats(con, metric)
        boxes = _box_stats(con, metric)
        title = _median_title(stats, label)
        fig, ax = _new((8.5, 4.6))
        parts = ax.bxp(
            [boxes[c] for c in CLASSES],
            orientation="horizontal",
            patch_artist=True,
            widths=0.55,
            flierprops={"marker": ".", "markersize": 3, "alpha": 0.4},
            medianprops={"color": "black", "linewidth": 2},
        )
        for box, c in zip(parts["boxes"], CLASSES, strict=True):
            box.set(facecolor=CLASS_STYLE[c]["color"], hatch=CLASS_STYLE[c]["hatch"])
        ax.set_yticks([1, 2], [f"{c.capitalize()}s" for c in CLASSES])
        for i, c in enumerate(CLASSES, start=1):
            ax.annotate(
                f"median {human(stats.loc[c, 'median'])}",
                (stats.loc[c, "median"], i + 0.33),
                fontsize=MIN_FONT_PT,
            )
        ax.set_xlabel(f"{label.capitalize()} per video (boxes: quartiles; whiskers: 1.5×IQR)")
        _axis_human(ax, "x")
        _title(ax, title)
        desc = "; ".join(
            f"{c}s: median {human(stats.loc[c, 'median'])}, "
            f"quartiles {human(boxes[c]['q1'])} to {human(boxes[c]['q3'])}, "
            f"range {human(stats.loc[c, 'min_value'])} to {human(stats.loc[c, 'max_value'])}"
            for c in CLASSES
        )
        alt = f"Horizontal box plots of {label} per video for claims and opinions. {desc}."
        return fig, title, alt, ["marts.fct_videos", "marts.engagement_by_claim_status"]

    return draw


def histogram(metric: str) -> Callable[..., Drawn]:
    label = METRICS[metric]

    def draw(con) -> Drawn:
        stats = _class_stats(con, metric)
        claim, opinion = stats.loc["claim"], stats.loc["opinion"]
        title = (
            f"Opinion videos never pass {human(opinion.max_value)} {label}; "
            f"claims reach {human(claim.max_value)}"
        )
        bins = 40
        width = max(claim.max_value, opinion.max_value, 1) / bins
        counts = _q(
            con,
            f"select claim_status, least(floor(value / {width}), {bins - 1}) as bin, "
            f"count(*) as videos from ({_labeled(metric)}) group by all",
        )
        fig, ax = _new()
        bottom = np.zeros(bins)
        for c, row in ((c, stats.loc[c]) for c in CLASSES):
            heights = (
                counts[counts.claim_status == c]
                .set_index("bin")
                .videos.reindex(range(bins), fill_value=0)
                .to_numpy()
            )
            style = CLASS_STYLE[c]
            ax.bar(
                np.arange(bins) * width,
                heights,
                width=width,
                bottom=bottom,
                align="edge",
                color=style["color"],
                hatch=style["hatch"],
                edgecolor="black",
                linewidth=0.4,
                label=f"{c.capitalize()}s (n = {row.n:,})",
            )
            bottom += heights
        ax.legend(frameon=False)
        ax.set_xlabel(f"{label.capitalize()} per video ({bins} equal-width bins)")
        ax.set_ylabel("Videos")
        _axis_human(ax, "x")
        _axis_human(ax, "y")
        _title(ax, title)
        alt = (
            f"Stacked histogram of {label} per video, claims hatched on top of opinions. "
            f"Opinions ({opinion.n:,}) range from {human(opinion.min_value)} to "
            f"{human(opinion.max_value)} {label} (median {human(opinion['median'])}); claims "
            f"({claim.n:,}) range from {human(claim.min_value)} to {human(claim.max_value)} "
            f"(median {human(claim['median'])})."
        )
        return fig, title, alt, ["marts.fct_videos", "marts.engagement_by_claim_status"]

    return draw


def _crosstab_bars(con, row_column: str, row_label: str) -> Drawn:
    table = f"marts.claim_status_by_{row_column}"
    df = _q(con, f"select * from {table} order by row_order, column_order")
    rows = list(dict.fromkeys(df[row_column]))
    claims = df[df.claim_status == "claim"].set_index(row_column).loc[rows]
    fig, ax = _new()
    x = np.arange(len(rows))
    width = 0.38
    for j, c in enumerate(CLASSES):
        part = df[df.claim_status == c].set_index(row_column).loc[rows]
        style = CLASS_STYLE[c]
        bars = ax.bar(
            x + (j - 0.5) * width,
            part.videos,
            width,
            color=style["color"],
            hatch=style["hatch"],
            edgecolor="black",
            label=f"{c.capitalize()}s",
        )
        labels = [f"{v:,}\n({pct(s)})" for v, s in zip(part.videos, part.row_share, strict=True)]
        _bar_labels(ax, bars, labels)
    ax.set_xticks(x, [r.capitalize() for r in rows])
    ax.set_xlabel(row_label.capitalize())
    ax.set_ylabel("Labeled videos")
    ax.margins(y=0.18)
    ax.legend(frameon=False)
    _axis_human(ax)
    shares = claims.row_share
    parts = ", ".join(f"{pct(s)} {r}" for r, s in shares.items())
    if row_column == "verified_status":
        verified, unverified = shares["verified"], shares["not verified"]
        word = "fewer" if verified < unverified else "more"
        title = (
            f"Verified authors post {word} claims: {pct(verified)} of their videos, "
            f"vs {pct(unverified)} for unverified authors"
        )
    elif shares.is_monotonic_increasing:
        title = f"The claim share rises with {row_label}: {parts}"
    else:
        title = f"Claim share by {row_label}: {parts}"
    _title(ax, title)
    cells = "; ".join(
        f"{r}: {claims.loc[r, 'videos']:,} claims of {claims.loc[r, 'row_videos']:,} "
        f"labeled videos ({pct(claims.loc[r, 'row_share'])})"
        for r in rows
    )
    alt = f"Grouped bar chart of claims and opinions by {row_label}, with row shares. {cells}."
    return fig, title, alt, [table]


def claims_by_verified_status(con) -> Drawn:
    return _crosstab_bars(con, "verified_status", "verified status")


def claims_by_ban_status(con) -> Drawn:
    return _crosstab_bars(con, "author_ban_status", "author ban status")


def median_views_by_ban_status(con) -> Drawn:
    df = _q(con, "select * from marts.author_ban_status_summary order by status_order")
    top = df.loc[df.median_views.idxmax()]
    low = df.loc[df.median_views.idxmin()]
    times = ratio(top.median_views, low.median_views)
    title = (
        f"Videos by {AUTHORS[top.author_ban_status]} get {times}"
        f" the median views of those by {AUTHORS[low.author_ban_status]} "
        f"({human(top.median_views)} vs {human(low.median_views)})"
    )
    fig = _ban_status_bars(
        df, df.median_views, [human(v) for v in df.median_views], "Median views per video", title
    )
    parts = ", ".join(f"{r.author_ban_status} {human(r.median_views)}" for r in df.itertuples())
    alt = f"Bar chart of median views per video by author ban status: {parts}."
    return fig, title, alt, ["marts.author_ban_status_summary"]


def class_share_of_views(con) -> Drawn:
    stats = _class_stats(con, "video_view_count")
    total = stats.total.sum()
    share = {c: stats.loc[c, "total"] / total for c in CLASSES}
    title = f"Claim videos draw {pct(share['claim'])} of all views on labeled videos"
    fig, ax = _new((8.5, 3.6))
    left = 0.0
    for c in CLASSES:
        style = CLASS_STYLE[c]
        ax.barh(
            0,
            share[c],
            left=left,
            color=style["color"],
            hatch=style["hatch"],
            edgecolor="black",
            height=0.5,
            label=f"{c.capitalize()}s: {pct(share[c])} ({human(stats.loc[c, 'total'])} views)",
        )
        # direct label: inside a wide segment, above a thin one
        wide = share[c] > 0.15
        ax.annotate(
            f"{c.capitalize()}s {pct(share[c], 1)}",
            (left + share[c] / 2, 0 if wide else 0.25),
            xytext=(0, 0) if wide else (-10, 18),
            textcoords="offset points",
            ha="center" if wide else "right",
            va="center" if wide else "bottom",
            fontsize=MIN_FONT_PT + 2,
            fontweight="bold",
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.9} if wide else None,
            arrowprops=None if wide else {"arrowstyle": "-", "color": "black"},
        )
        left += share[c]
    ax.set_ylim(-0.4, 0.7)
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0%}"))
    ax.set_xlabel("Share of total views")
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.35), ncols=2)
    _title(ax, title)
    alt = (
        "Single stacked bar of each class's share of total views on labeled videos: "
        + ", ".join(
            f"{c}s {pct(share[c])} ({stats.loc[c, 'total']:,} views from {stats.loc[c, 'n']:,} "
            "videos)"
            for c in CLASSES
        )
        + "."
    )
    return fig, title, alt, ["marts.engagement_by_claim_status"]


def views_vs_likes(con) -> Drawn:
    pairs = (
        "select claim_status, video_view_count, video_like_count from marts.fct_videos "
        "where claim_status is not null and video_view_count is not null "
        "and video_like_count is not null"
    )
    df = pd.concat(
        _q(
            con,
            f"select * from ({pairs} and claim_status = '{c}') "
            f"using sample reservoir({MAX_POINTS} rows) repeatable (42)",
        )
        for c in CLASSES
    )
    r, n, opinion_max, above, top = con.sql(
        f"""
        with pairs as ({pairs}),
        ceiling as (select max(video_view_count) as views from pairs
            where claim_status = 'opinion')
        select
            corr(video_view_count, video_like_count),
            count(*),
            max(ceiling.views),
            count_if(video_view_count > ceiling.views),
            max(video_view_count)
        from pairs cross join ceiling
        """
    ).fetchall()[0]
    title = (
        f"Likes rise with views (r = {r:.2f}); all {above:,} labeled videos above "
        f"{human(opinion_max)} views are claims"
    )
    fig, ax = _new((8.5, 6))
    for c in CLASSES:
        part = df[df.claim_status == c]
        style = CLASS_STYLE[c]
        ax.scatter(
            part.video_view_count,
            part.video_like_count,
            s=10,
            marker=style["marker"],
            color=style["color"],
            alpha=0.5,
            linewidths=0,
            label=f"{c.capitalize()}s ({style['marker'] == '^' and 'triangles' or 'circles'})",
        )
        # direct label just above each class's cloud
        anchor = (0.5, 0.9) if c == "opinion" else (0.05, 0.9)
        ax.annotate(
            f"{c.capitalize()}s",
            (part.video_view_count.quantile(anchor[0]), part.video_like_count.quantile(anchor[1])),
            xytext=(0, 12),
            textcoords="offset points",
            ha="center",
            fontsize=MIN_FONT_PT + 2,
            fontweight="bold",
        )
    # log axes so the two clouds, ~100x apart, are both visible; symlog keeps zero likes
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, markerscale=2.5, loc="lower right")
    ax.set_xlabel("Views (log scale)")
    ax.set_ylabel("Likes (log scale; 0 at the bottom)")
    _axis_human(ax, "x")
    _axis_human(ax, "y")
    _title(ax, title)
    alt = (
        f"Scatter plot, on log scales, of likes against views for {n:,} labeled videos "
        f"({'all' if len(df) == n else f'a random sample of {len(df):,}'} drawn), "
        "claims as orange triangles and opinions as blue circles. "
        f"Likes grow with views (Pearson r = {r:.2f}). "
        f"Opinions stay at or below {human(opinion_max)} views; the {above:,} videos above it "
        f"are all claims, spread up to {human(top)} views."
    )
    return fig, title, alt, ["marts.fct_videos"]


def binned_bars(metric: str) -> Callable[..., Drawn]:
    label = METRICS[metric]

    def draw(con) -> Drawn:
        df = _q(
            con,
            f"select * from marts.engagement_bins where metric = '{metric}' order by bin_order",
        )
        # lowest bin from which no opinion appears (and some claim does)
        opinions_from = df.opinions[::-1].cumsum()[::-1]
        claims_from = df.claims[::-1].cumsum()[::-1]
        clean = df[(opinions_from == 0) & (claims_from > 0)]
        if len(clean) and clean.index[0] > 0:
            start = clean.index[0]
            title = (
                f"Every labeled video with {human(df.lower_bound[start])}+ {label} "
                f"is a claim ({claims_from[start]:,} videos, no opinions)"
            )
        else:
            shares = df.claim_share.dropna()
            title = (
                f"The claim share across {label} bins ranges from {pct(shares.min())} "
                f"to {pct(shares.max())}"
            )
        fig, ax = _new((9, 5.4))
        x = np.arange(len(df))
        bottom = np.zeros(len(df))
        for c in CLASSES:
            counts = df[f"{c}s"].to_numpy()
            style = CLASS_STYLE[c]
            ax.bar(
                x,
                counts,
                bottom=bottom,
                color=style["color"],
                hatch=style["hatch"],
                edgecolor="black",
                width=0.7,
                label=f"{c.capitalize()}s",
            )
            bottom += counts
        for i, row in df.iterrows():
            ax.annotate(
                f"{row.claims:,} C\n{row.opinions:,} O",
                (i, row.claims + row.opinions),
                textcoords="offset points",
                xytext=(0, 3),
                ha="center",
                fontsize=MIN_FONT_PT,
            )
        ax.set_xticks(x, df.bin_label)
        ax.set_xlabel(f"{label.capitalize()} per video")
        ax.set_ylabel("Labeled videos")
        ax.margins(y=0.2)
        ax.legend(frameon=False, title="C = claims, O = opinions", loc="upper right")
        _axis_human(ax)
        _title(ax, title)
        cells = "; ".join(
            f"{r.bin_label}: {r.claims:,} claims, {r.opinions:,} opinions" for r in df.itertuples()
        )
        alt = f"Stacked bar chart of claims and opinions by {label} bin. {cells}."
        return fig, title, alt, ["marts.engagement_bins"]

    return draw


FIGURES: dict[str, Callable[..., Drawn]] = {
    "claim_status_counts.png": claim_status_counts,
    "author_ban_status_counts.png": author_ban_status_counts,
    **{f"box_{METRICS[m]}.png": box_plot(m) for m in METRICS},
    **{f"hist_{METRICS[m]}.png": histogram(m) for m in METRICS},
    "claims_by_verified_status.png": claims_by_verified_status,
    "claims_by_ban_status.png": claims_by_ban_status,
    "median_views_by_ban_status.png": median_views_by_ban_status,
    "class_share_of_views.png": class_share_of_views,
    "views_vs_likes.png": views_vs_likes,
    **{f"bins_{METRICS[m]}.png": binned_bars(m) for m in BIN_METRICS},
}


def _draw(files: list[str], out_dir: Path, connect=connect_readonly) -> list[FigureEntry]:
    entries = []
    with connect() as con, plt.rc_context(STYLE):
        for file in files:
            fig, title, alt, tables = FIGURES[file](con)
            try:
                fig.savefig(out_dir / file)
            finally:
                plt.close(fig)
            entries.append(FigureEntry(file, title, alt, tables[0], tables))
    return entries


def write_figures(out_dir: Path | None = None, processes: int = 2) -> list[FigureEntry]:
    """Draw every figure from the warehouse into out_dir (default <exports>/figures).

    Rendering is CPU-bound (~0.2 s a figure), so the figures are shared among `processes`
    forked workers, each with its own read-only connection.
    """
    out_dir = Path(out_dir) if out_dir is not None else exports_dir() / "figures"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = list(FIGURES)
    shares = [files[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,  # no orphan figure workers if the build is killed
        initargs=(os.getpid(),),
    ) as pool:
        drawn = {e.file: e for part in pool.map(_draw, shares, [out_dir] * processes) for e in part}
    return _described([drawn[file] for file in files], out_dir)


def draw_marts(marts: dict[str, pa.Table], out_dir: Path) -> pd.DataFrame:
    """The figures as a build draws them (dbt model reporting.figures): from the marts dbt
    hands over (name -> Arrow table, so types and NULLs arrive as they are), one after another
    while the claim fit has the other core. Returns figures.json as rows; the release step
    then only draws the figures a build did not."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("create schema marts")
    for name, table in marts.items():
        con.register("handed_over", table)
        con.execute(f"create table marts.{name} as select * from handed_over")
        con.unregister("handed_over")
    entries = _described(_draw(list(FIGURES), out_dir, lambda: con), out_dir)
    rows = pd.DataFrame([asdict(e) for e in entries])
    return rows.assign(source_tables=rows["source_tables"].str.join(", "))


def _described(entries: list[FigureEntry], out_dir: Path) -> list[FigureEntry]:
    """Write figures.json beside the figures."""
    (out_dir / "figures.json").write_text(json.dumps([asdict(e) for e in entries], indent=2) + "\n")
    return entries

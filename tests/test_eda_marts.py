"""EDA marts equal an independent pandas computation on the staged rows of the real file."""

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.real_data

METRICS = [
    "video_view_count",
    "video_like_count",
    "video_share_count",
    "video_download_count",
    "video_comment_count",
]


@pytest.fixture(scope="module")
def staged(real_build) -> pd.DataFrame:
    df = real_build.df("select * from staging.stg_tiktok__videos")
    for column in ("claim_status", "verified_status", "author_ban_status"):
        df[column] = df[column].astype(object)
    return df


@pytest.fixture(scope="module")
def mart(real_build):
    return lambda name: real_build.df(f"select * from marts.{name}")


def close(actual, expected) -> bool:
    return bool(np.allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=1e-9))


def test_claim_status_summary(staged, mart):
    summary = mart("claim_status_summary").set_index("claim_status")
    labels = staged.claim_status.fillna("unlabeled").value_counts()
    # the team's earlier analysis
    assert summary.loc["claim", "videos"] == labels["claim"] == 9_608
    assert summary.loc["opinion", "videos"] == labels["opinion"] == 9_476
    assert summary.loc["unlabeled", "videos"] == labels["unlabeled"]
    labeled = labels["claim"] + labels["opinion"]
    assert close(summary.loc["claim", "share_of_labeled"], labels["claim"] / labeled)
    assert close(summary.loc["opinion", "share_of_all"], labels["opinion"] / len(staged))
    assert pd.isna(summary.loc["unlabeled", "share_of_labeled"])


@pytest.mark.parametrize(
    ("name", "column", "engagement"),
    [
        (
            "author_ban_status_summary",
            "author_ban_status",
            {"median_views": ("video_view_count", "median"),
             "median_likes": ("video_like_count", "median"),
             "median_shares": ("video_share_count", "median")},
        ),
        (
            "verified_status_summary",
            "verified_status",
            {"mean_views": ("video_view_count", "mean"),
             "median_views": ("video_view_count", "median")},
        ),
    ],
)  # fmt: skip
def test_status_summaries(staged, mart, name, column, engagement):
    summary = mart(name).set_index(column).sort_index()
    groups = staged.groupby(column)
    expected = pd.DataFrame(
        {
            "videos": groups.size(),
            "claims": groups.claim_status.apply(lambda s: (s == "claim").sum()),
            "opinions": groups.claim_status.apply(lambda s: (s == "opinion").sum()),
            "unlabeled_videos": groups.claim_status.apply(lambda s: s.isna().sum()),
            **{out: groups[metric].agg(how) for out, (metric, how) in engagement.items()},
        }
    ).sort_index()
    expected["claim_share"] = expected.claims / (expected.claims + expected.opinions)
    assert list(summary.index) == list(expected.index)
    for out in expected.columns:
        assert close(summary[out], expected[out]), out


def test_engagement_by_claim_status(staged, mart):
    got = mart("engagement_by_claim_status").set_index(["claim_status", "metric"]).sort_index()
    long = staged.dropna(subset=["claim_status"]).melt(
        id_vars="claim_status", value_vars=METRICS, var_name="metric"
    )
    expected = (
        long.dropna(subset=["value"])
        .groupby(["claim_status", "metric"])["value"]
        .agg(["count", "mean", "median", "min", "max", "sum"])
        .sort_index()
    )
    assert list(got.index) == list(expected.index)
    assert len(got) == 10
    for ours, theirs in [
        ("n", "count"),
        ("mean", "mean"),
        ("median", "median"),
        ("min_value", "min"),
        ("max_value", "max"),
        ("total", "sum"),
    ]:
        assert close(got[ours], expected[theirs]), ours
    assert got.loc[("claim", "video_view_count"), "n"] == 9_608
    assert got.loc[("opinion", "video_view_count"), "n"] == 9_476


@pytest.mark.parametrize("metric", METRICS)
def test_engagement_outliers(staged, mart, metric):
    row = mart("engagement_outliers").set_index("metric").loc[metric]
    values = staged[metric].dropna().astype(float)
    q1, median, q3 = values.quantile([0.25, 0.5, 0.75])  # pandas default: linear
    iqr = q3 - q1
    median_fence, tukey_fence = median + 1.5 * iqr, q3 + 1.5 * iqr
    assert row.n == len(values)
    assert close(row["mean"], values.mean())
    assert close([row.q1, row["median"], row.q3, row.iqr], [q1, median, q3, iqr])
    assert close(row.median_rule_threshold, median_fence)
    assert close(row.tukey_threshold, tukey_fence)
    assert row.median_rule_outliers == (values > median_fence).sum()
    assert row.tukey_outliers == (values > tukey_fence).sum()
    assert close(row.tukey_outlier_share, (values > tukey_fence).mean())
    assert close(row.median_rule_outlier_share, (values > median_fence).mean())
    # median <= q3, so the team's rule can only flag at least as many videos
    assert row.median_rule_outliers >= row.tukey_outliers


@pytest.mark.parametrize("metric", METRICS)
def test_engagement_bins(staged, mart, metric):
    bins = mart("engagement_bins")
    bins = bins[bins.metric == metric].sort_values("bin_order").reset_index(drop=True)
    # bins are contiguous from 0, numbered 1..k, the last open-ended
    assert list(bins.bin_order) == list(range(1, len(bins) + 1))
    assert bins.lower_bound.iloc[0] == 0
    assert pd.isna(bins.upper_bound.iloc[-1])
    assert list(bins.upper_bound.iloc[:-1]) == list(bins.lower_bound.iloc[1:])
    assert bins.bin_label.is_unique

    edges = [*bins.lower_bound, np.inf]
    rows = staged.dropna(subset=[metric])
    cut = pd.cut(rows[metric].astype(float), edges, right=False, labels=False)
    for column, mask in [
        ("videos", np.ones(len(rows), bool)),
        ("claims", rows.claim_status == "claim"),
        ("opinions", rows.claim_status == "opinion"),
        ("unlabeled_videos", rows.claim_status.isna()),
    ]:
        expected = cut[np.asarray(mask)].value_counts().reindex(range(len(bins)), fill_value=0)
        assert list(bins[column]) == list(expected), column
    # every non-null value lands in exactly one bin
    assert bins.videos.sum() == staged[metric].notna().sum()


@pytest.mark.parametrize(
    ("metric", "column"),
    [
        ("video_view_count", "views_bin"),
        ("video_like_count", "likes_bin"),
        ("video_share_count", "shares_bin"),
        ("video_download_count", "downloads_bin"),
    ],
)
def test_fct_videos_bin_labels_match_bins(real_build, mart, metric, column):
    bins = mart("engagement_bins")
    bins = bins[bins.metric == metric].sort_values("bin_order")
    videos = real_build.df(f"select {metric}, {column} from marts.fct_videos")
    index = pd.cut(
        videos[metric].astype(float), [*bins.lower_bound, np.inf], right=False, labels=False
    )
    expected = index.map(dict(enumerate(bins.bin_label)))
    assert videos[column].astype(object).equals(expected.astype(object))


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("claim_status_by_verified_status", "verified_status"),
        ("claim_status_by_author_ban_status", "author_ban_status"),
    ],
)
def test_crosstabs(staged, mart, name, column):
    got = mart(name).set_index([column, "claim_status"]).sort_index()
    labeled = staged.dropna(subset=["claim_status"])
    counts = pd.crosstab(labeled[column], labeled.claim_status).stack().sort_index()
    shares = (
        pd.crosstab(labeled[column], labeled.claim_status, normalize="index").stack().sort_index()
    )
    assert list(got.index) == list(counts.index)
    assert list(got.videos) == list(counts)
    assert close(got.row_share, shares)
    assert close(got.groupby(level=0).row_share.sum(), 1.0)

"""The stats and verified-logit tables on the real file, checked by independent computation."""

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from scipy import stats
from sklearn import metrics
from sklearn.model_selection import train_test_split
from statsmodels.stats.multitest import multipletests

from tiktok_claims.summaries import verified_regression, verified_vs_unverified

pytestmark = pytest.mark.real_data

REPO = Path(__file__).resolve().parents[1]
TABLES = {
    "stats": ["hypothesis_tests"],
    "ml": [
        "verified_logit_dataset",
        "verified_logit_coefficients",
        "verified_logit_predictions",
        "verified_logit_metrics",
        "verified_logit_confusion_matrix",
        "verified_logit_assumptions",
    ],
}
YAML = {
    "stats": REPO / "models_py/stats/_stats__models.yml",
    "ml": REPO / "models_py/ml/_ml__verified_logit.yml",
}
METRICS = [
    "video_view_count",
    "video_like_count",
    "video_share_count",
    "video_download_count",
    "video_comment_count",
]
CONTINUOUS = ["video_duration_sec", *METRICS[:1], *METRICS[2:]]


@pytest.fixture(scope="module")
def tests_table(real_build):
    return real_build.df("select * from stats.hypothesis_tests").set_index("test_id")


@pytest.fixture(scope="module")
def videos(real_build):
    return real_build.df("select * from marts.fct_videos")


def _groups(videos, metric):
    kept = videos.dropna(subset=[metric])
    a = kept.loc[kept.verified_status == "not verified", metric].to_numpy(float)
    b = kept.loc[kept.verified_status == "verified", metric].to_numpy(float)
    return a, b


def test_team_welch_test_matches_scipy(tests_table, videos):
    a, b = _groups(videos, "video_view_count")
    assert (len(a), len(b)) == (17_884, 1_200)
    ref = stats.ttest_ind(a, b, equal_var=False)
    row = tests_table.loc["video_view_count__welch_t"]
    assert (row.group_1_n, row.group_2_n) == (17_884, 1_200)
    assert row.statistic == pytest.approx(ref.statistic, rel=1e-9)
    assert row.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert row.alpha == 0.05
    assert row.decision == ("reject H0" if row.p_value_adjusted < 0.05 else "fail to reject H0")
    ci = ref.confidence_interval(0.95)
    assert (row.mean_difference_ci_low, row.mean_difference_ci_high) == pytest.approx(
        (ci.low, ci.high), rel=1e-9
    )


@pytest.mark.parametrize("metric", METRICS)
def test_engagement_pairs_match_scipy(tests_table, videos, metric):
    a, b = _groups(videos, metric)
    welch = tests_table.loc[f"{metric}__welch_t"]
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert welch.statistic == pytest.approx(ref.statistic, rel=1e-9)
    assert welch.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    mw = tests_table.loc[f"{metric}__mann_whitney"]
    ref = stats.mannwhitneyu(a, b, alternative="two-sided")
    assert mw.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert mw.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert mw.effect_size == pytest.approx(2 * ref.statistic / (len(a) * len(b)) - 1)
    assert (mw.group_1_median, mw.group_2_median) == (np.median(a), np.median(b))


def test_chi_square_and_holm(tests_table, videos):
    labeled = videos[videos.claim_status.notna()]
    for grouping in ("verified_status", "author_ban_status"):
        table = pd.crosstab(labeled[grouping], labeled.claim_status)
        ref = stats.chi2_contingency(table, correction=False)
        row = tests_table.loc[f"claim_status_by_{grouping}__chi_square"]
        assert row.statistic == pytest.approx(ref.statistic, rel=1e-9)
        k = min(table.shape)
        assert row.effect_size == pytest.approx(np.sqrt(ref.statistic / (len(labeled) * (k - 1))))
    for _, family in tests_table.groupby("test_family"):
        expected = multipletests(family.p_value, method="holm")[1]
        assert family.p_value_adjusted.to_numpy() == pytest.approx(expected, rel=1e-12)
        assert (family.adjustment_method == "holm").all()


@pytest.fixture(scope="module")
def dataset(real_build):
    return real_build.df("select * from ml.verified_logit_dataset")


def test_split_disjoint_complete_and_reproducible(dataset, videos):
    assert dataset.video_id.is_unique
    train, test = dataset[dataset.split == "train"], dataset[dataset.split == "test"]
    assert not set(train.video_id) & set(test.video_id)
    complete = videos.dropna(subset=["video_view_count", "claim_status"]).sort_values("video_id")
    # every row is a real video, once: no resampled copy anywhere, so none in test
    assert len(dataset) == len(complete) == 19_084
    assert set(dataset.video_id) == set(complete.video_id)
    merged = test.merge(videos, on="video_id", suffixes=("", "_fct"))
    for column in METRICS:
        assert (merged[column] == merged[f"{column}_fct"]).all()
    # an independent stratified split with the project's seed picks the same test rows
    y = (complete.verified_status == "verified").astype(int)
    _, expected_test = train_test_split(
        complete.video_id.to_numpy(), test_size=0.25, stratify=y, random_state=42
    )
    assert set(test.video_id) == set(expected_test)


def test_coefficients_match_an_independent_statsmodels_fit(real_build, dataset):
    table = real_build.df("select * from ml.verified_logit_coefficients order by feature_order")
    train = dataset[dataset.split == "train"]
    y = train.is_verified
    weights = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (1 - y).sum()))
    x = train[
        [
            *CONTINUOUS,
            "claim_status_claim",
            "author_ban_status_under_review",
            "author_ban_status_banned",
        ]
    ].astype(float)
    x[CONTINUOUS] = (x[CONTINUOUS] - x[CONTINUOUS].mean()) / x[CONTINUOUS].std()
    fit = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial(), var_weights=weights).fit(
        cov_type="HC0"
    )
    assert list(table.feature) == ["intercept", *x.columns]
    assert table.coefficient.to_numpy() == pytest.approx(fit.params.to_numpy(), rel=1e-6)
    assert table.std_error.to_numpy() == pytest.approx(fit.bse.to_numpy(), rel=1e-6)
    assert table.p_value.to_numpy() == pytest.approx(fit.pvalues.to_numpy(), rel=1e-5)
    ci = fit.conf_int(0.05).to_numpy()
    assert table.ci_low.to_numpy() == pytest.approx(ci[:, 0], rel=1e-6)
    assert table.odds_ratio_ci_high.to_numpy() == pytest.approx(np.exp(ci[:, 1]), rel=1e-6)
    assert "video_like_count" not in set(table.feature)


def test_metrics_recomputed_from_predictions(real_build):
    predictions = real_build.df("select * from ml.verified_logit_predictions")
    table = real_build.df("select * from ml.verified_logit_metrics").set_index("split")
    train = predictions[predictions.split == "train"]
    fpr, tpr, cuts = metrics.roc_curve(train.is_verified, train.predicted_probability)
    threshold = cuts[1:][np.argmax((tpr - fpr)[1:])]
    assert table.loc["test", "threshold"] == threshold
    test = predictions[predictions.split == "test"]
    predicted = (test.predicted_probability >= threshold).astype(int)
    assert table.loc["test", "positive_class"] == "verified"
    assert table.loc["test", "n_positive"] == 300
    assert table.loc["test", "f1"] == pytest.approx(metrics.f1_score(test.is_verified, predicted))
    assert table.loc["test", "roc_auc"] == pytest.approx(
        metrics.roc_auc_score(test.is_verified, test.predicted_probability)
    )
    cells = real_build.df("select * from ml.verified_logit_confusion_matrix where split = 'test'")
    assert cells.n.sum() == len(test)


def test_like_count_exclusion_is_backed_by_vif(real_build):
    checks = real_build.df("select * from ml.verified_logit_assumptions").set_index("check_id")
    assert not checks.loc["vif_with_likes__video_like_count", "passed"]
    assert (
        checks.loc["vif_with_likes__video_like_count", "statistic"]
        > checks.loc[checks.index.str.startswith("vif__"), "statistic"].max()
    )
    assert checks.loc["independence__duplicate_videos", "statistic"] == 0


def test_declared_types_match_the_warehouse(real_build):
    # dbt cannot enforce contracts on Python models; this is the contract check instead
    with real_build.connect() as con:
        for schema, models in TABLES.items():
            declared = {m["name"]: m for m in yaml.safe_load(YAML[schema].read_text())["models"]}
            for name in models:
                actual = con.sql(f"describe {schema}.{name}").fetchall()
                expected = [(c["name"], c["data_type"].upper()) for c in declared[name]["columns"]]
                assert [(r[0], r[1]) for r in actual] == expected, name


def test_second_build_gives_identical_tables(real_build, real_rebuild):
    for schema, models in TABLES.items():
        for name in models:
            sql = f"select * from {schema}.{name} order by all"
            pd.testing.assert_frame_equal(
                real_build.df(sql), real_rebuild.df(sql), check_exact=True, obj=name
            )


def test_summaries_follow_the_tables(real_build, tmp_path, monkeypatch):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(real_build.warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        before_h, before_r = verified_vs_unverified.render(con), verified_regression.render(con)
    with duckdb.connect(str(copy)) as con:
        con.sql(
            "update stats.hypothesis_tests set group_1_mean = 123456789 "
            "where test_id = 'video_view_count__welch_t'"
        )
        con.sql("update ml.verified_logit_metrics set roc_auc = 0.987 where split = 'test'")
        con.sql(
            "update ml.verified_logit_coefficients set odds_ratio_ci_low = 1.01, "
            "odds_ratio_ci_high = 1.5 where feature = 'video_view_count'"
        )
        con.sql(
            "update ml.verified_logit_assumptions set passed = false "
            "where check_id = 'box_tidwell__video_share_count'"
        )
    with duckdb.connect(str(copy), read_only=True) as con:
        after_h, after_r = verified_vs_unverified.render(con), verified_regression.render(con)
    assert "17,884" in before_h and "123,456,789" not in before_h
    assert "123,456,789" in after_h and after_h != before_h
    assert "AUC 0.99" in after_r and "AUC 0.99" not in before_r
    # a failed check is named as the report names the feature, not by its column
    assert "failing: Box-Tidwell for shares." in after_r and "failing" not in before_r
    assert "95% CI 1.01 to 1.50" in after_h and "95% CI 1.01 to 1.50" not in before_h
    monkeypatch.setenv("CLAIMS_WAREHOUSE", str(copy))
    path = verified_regression.write(out_dir=tmp_path / "exports")
    assert path == tmp_path / "exports" / "summaries" / "verified_regression.md"
    assert path.read_text() == after_r

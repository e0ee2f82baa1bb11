"""Unit tests of the verified-status logit helpers on small seeded frames."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.metrics import confusion_matrix
from statsmodels.stats.outliers_influence import variance_inflation_factor

from tiktok_claims.ml import verified_logit as logit


def _videos(n=400, seed=0):
    rng = np.random.default_rng(seed)
    verified = rng.random(n) < 0.15
    views = rng.lognormal(9, 1.5, n).round()
    return pd.DataFrame(
        {
            "video_id": rng.permutation(np.arange(10_000, 10_000 + n)),
            "verified_status": np.where(verified, "verified", "not verified"),
            "claim_status": np.where(
                rng.random(n) < np.where(verified, 0.2, 0.6), "claim", "opinion"
            ),
            "author_ban_status": rng.choice(
                ["active", "under review", "banned"], n, p=[0.8, 0.1, 0.1]
            ),
            "video_duration_sec": rng.integers(5, 61, n),
            "video_view_count": views,
            "video_like_count": (views * rng.uniform(0.1, 0.4, n)).round(),
            "video_share_count": (views * rng.uniform(0, 0.05, n)).round(),
            "video_download_count": (views * rng.uniform(0, 0.01, n)).round(),
            "video_comment_count": (views * rng.uniform(0, 0.003, n)).round(),
        }
    )


def test_split_is_stratified_disjoint_and_seeded():
    videos = _videos()
    videos.loc[0, "video_view_count"] = np.nan  # incomplete rows are left out
    data = logit.split_dataset(videos, seed=7)
    assert len(data) == len(videos) - 1 and data["video_id"].is_unique
    train, test = data[data.split == "train"], data[data.split == "test"]
    assert not set(train.video_id) & set(test.video_id)
    assert len(test) == pytest.approx(0.25 * len(data), abs=1)
    assert test.is_verified.mean() == pytest.approx(train.is_verified.mean(), abs=0.01)
    # balanced weights from the train counts: each class carries half the train weight
    by_class = train.groupby("is_verified")["class_weight"].sum()
    assert by_class.to_numpy() == pytest.approx([len(train) / 2] * 2)
    # the split depends on the seed, not on the input's row order
    shuffled = logit.split_dataset(videos.sample(frac=1, random_state=1), seed=7)
    pd.testing.assert_frame_equal(data, shuffled)
    other = logit.split_dataset(videos, seed=8)
    assert not other["split"].equals(data["split"])


def test_coefficients_are_a_weighted_glm_with_sandwich_errors():
    data = logit.split_dataset(_videos(), seed=0)
    table = logit.coefficients_table(data).set_index("feature")
    train = data[data.split == "train"]
    x = train[list(logit.FEATURES)].astype(float)
    for column in logit.CONTINUOUS:
        x[column] = (x[column] - x[column].mean()) / x[column].std()
    fit = sm.GLM(
        train.is_verified, sm.add_constant(x), family=sm.families.Binomial(),
        var_weights=train.class_weight,
    ).fit(cov_type="HC0")  # fmt: skip
    assert table["coefficient"].to_numpy() == pytest.approx(fit.params.to_numpy(), rel=1e-6)
    assert table["std_error"].to_numpy() == pytest.approx(fit.bse.to_numpy(), rel=1e-6)
    assert table["odds_ratio"].to_numpy() == pytest.approx(np.exp(fit.params.to_numpy()))
    assert (table["ci_low"] < table["coefficient"]).all()
    assert table.loc["video_view_count", "train_sd"] == pytest.approx(train.video_view_count.std())


def test_threshold_uses_train_rows_only():
    data = logit.split_dataset(_videos(), seed=0)
    coefficients = logit.coefficients_table(data)
    before = logit.predictions_table(data, coefficients)
    flipped = data.copy()
    is_test = flipped.split == "test"
    flipped.loc[is_test, "is_verified"] = 1 - flipped.loc[is_test, "is_verified"]
    after = logit.predictions_table(flipped, coefficients)
    assert after["threshold"].iloc[0] == before["threshold"].iloc[0]


def test_youden_threshold_hand_example():
    # cut at 0.6 catches both positives and no negative: J = 1
    assert logit.youden_threshold([0, 0, 1, 1], [0.1, 0.4, 0.6, 0.9]) == 0.6


def test_metrics_and_confusion_matrix_agree_with_sklearn():
    data = logit.split_dataset(_videos(), seed=0)
    predictions = logit.predictions_table(data, logit.coefficients_table(data))
    cells = logit.confusion_matrix_table(predictions)
    metrics = logit.metrics_table(predictions).set_index("split")
    for split in ("train", "test"):
        part = predictions[predictions.split == split]
        tn, fp, fn, tp = confusion_matrix(part.is_verified, part.predicted_verified).ravel()
        mine = cells[cells.split == split].set_index(["actual_class", "predicted_class"])["n"]
        assert mine[("verified", "verified")] == tp and mine[("not verified", "verified")] == fp
        assert mine[("verified", "not verified")] == fn
        assert mine[("not verified", "not verified")] == tn
        assert metrics.loc[split, "precision"] == pytest.approx(tp / (tp + fp))
        assert metrics.loc[split, "recall"] == pytest.approx(tp / (tp + fn))
        assert metrics.loc[split, "accuracy"] == pytest.approx((tp + tn) / len(part))


def test_vif_matches_statsmodels():
    data = logit.split_dataset(_videos(), seed=0)
    x = sm.add_constant(data[list(logit.FEATURES)].astype(float))
    expected = [variance_inflation_factor(x.to_numpy(), i) for i in range(1, x.shape[1])]
    assert logit.vif(x).to_numpy() == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("weighted", [False, True])
def test_cooks_distance_matches_statsmodels(weighted):
    rng = np.random.default_rng(5)
    x = sm.add_constant(rng.normal(size=(80, 3)))
    y = (rng.random(80) < 0.4).astype(float)
    w = np.where(y == 1, 1.5, 0.75) if weighted else np.ones(80)
    fit = sm.GLM(y, x, family=sm.families.Binomial(), var_weights=w).fit()
    expected = fit.get_influence().cooks_distance[0]
    assert logit.cooks_distance(x, y, w, fit.params) == pytest.approx(expected, rel=1e-6)


def test_assumption_rows():
    data = logit.split_dataset(_videos(), seed=0)
    table = logit.assumptions_table(data, logit.coefficients_table(data), alpha=0.05)
    assert table["check_id"].is_unique
    rows = table.set_index("check_id")
    assert {f"vif__{f}" for f in logit.FEATURES} <= set(rows.index)
    assert {f"box_tidwell__{f}" for f in logit.CONTINUOUS} <= set(rows.index)
    assert "vif_with_likes__video_like_count" in rows.index
    epv = rows.loc["sample_size__events_per_variable"]
    train = data[data.split == "train"]
    assert epv.statistic == pytest.approx(train.is_verified.sum() / len(logit.FEATURES))
    assert rows.loc["independence__train_test_overlap", "statistic"] == 0
    assert (table["passed"] == table["passed"].astype(bool)).all()


def test_every_term_and_checked_feature_has_a_label_for_people():
    data = logit.split_dataset(_videos(), seed=0)
    coefficients = logit.coefficients_table(data)
    checks = logit.assumptions_table(data, coefficients, alpha=0.05)
    # the counts read as the seed says; no column name reaches a reader
    views = coefficients.set_index("feature").loc["video_view_count", "feature_label"]
    assert views == "Views"
    named = checks.dropna(subset=["feature"])
    for labels in (coefficients["feature_label"], named["feature_label"]):
        assert labels.notna().all()
        assert not labels.str.contains("_").any(), labels.tolist()
    assert checks.loc[checks["feature"].isna(), "feature_label"].isna().all()
    assert not checks["detail"].str.contains("video_").any()

"""Unit tests of the hypothesis-test helpers against closed forms and reference libraries."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from tiktok_claims.stats import hypothesis as h

A = np.array([3.0, 7.0, 8.0, 12.0, 15.0, 21.0])
B = np.array([1.0, 2.0, 4.0, 4.0, 9.0])


def test_welch_t_matches_scipy_and_closed_form_ci():
    result = h.welch_t_test(A, B)
    ref = stats.ttest_ind(A, B, equal_var=False)
    assert result["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert result["p_value"] == pytest.approx(ref.pvalue, rel=1e-12)
    # closed form: mean 11 vs 4, Welch–Satterthwaite df, t quantile
    v1, v2 = A.var(ddof=1) / 6, B.var(ddof=1) / 5
    df = (v1 + v2) ** 2 / (v1**2 / 5 + v2**2 / 4)
    half = stats.t.ppf(0.975, df) * np.sqrt(v1 + v2)
    assert result["mean_difference"] == pytest.approx(7.0)
    assert result["df"] == pytest.approx(df, rel=1e-12)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((7 - half, 7 + half))
    ci = ref.confidence_interval(0.95)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((ci.low, ci.high))


def test_hedges_g_closed_form():
    pooled = np.sqrt((5 * A.var(ddof=1) + 4 * B.var(ddof=1)) / 9)
    g = (1 - 3 / (4 * 11 - 9)) * 7.0 / pooled
    se = np.sqrt(11 / 30 + g**2 / 22)
    result = h.hedges_g(A, B)
    assert result["value"] == pytest.approx(g, rel=1e-12)
    assert result["ci_low"] == pytest.approx(g - 1.959963984540054 * se, rel=1e-9)
    assert result["ci_high"] == pytest.approx(g + 1.959963984540054 * se, rel=1e-9)
    assert h.hedges_g(B, A)["value"] == pytest.approx(-g)


def test_mann_whitney_rank_biserial_by_pair_counting():
    result = h.mann_whitney(A, B)
    ref = stats.mannwhitneyu(A, B, alternative="two-sided", method="asymptotic")
    assert result["statistic"] == ref.statistic
    assert result["p_value"] == pytest.approx(ref.pvalue, rel=1e-12)
    # r = P(a > b) - P(a < b) over all 30 pairs (B's ties at 4 count as neither)
    signs = np.sign(A[:, None] - B[None, :])
    assert result["value"] == pytest.approx(signs.mean(), rel=1e-12)
    # Hanley–McNeil by hand, mapped through r = 2·AUC - 1
    auc = (signs.mean() + 1) / 2
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    se = np.sqrt((auc * (1 - auc) + 5 * (q1 - auc**2) + 4 * (q2 - auc**2)) / 30)
    assert result["ci_low"] == pytest.approx(max(-1, 2 * (auc - 1.959963984540054 * se) - 1))
    assert result["ci_high"] == pytest.approx(min(1, 2 * (auc + 1.959963984540054 * se) - 1))
    assert result["ci_low"] < result["value"] < result["ci_high"]


def test_rank_biserial_ci_stays_in_range_under_separation():
    result = h.mann_whitney([10.0, 11, 12], [1.0, 2, 3])
    assert result["value"] == 1.0
    assert -1 <= result["ci_low"] <= result["ci_high"] == 1.0


def test_holm_hand_example_and_statsmodels():
    # sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.04·1, 0.06) = 0.06
    assert h.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    p = np.random.default_rng(1).uniform(0, 0.2, 12)
    p[3] = p[7]  # a tie
    assert h.holm(p) == pytest.approx(multipletests(p, method="holm")[1], rel=1e-12)
    assert h.holm([0.6, 0.9]).max() == 1.0


def test_chi_square_cramers_v_is_phi_for_2x2():
    table = np.array([[30, 10], [20, 40]])
    result = h.chi_square(table)
    ref = stats.chi2_contingency(table, correction=False)
    assert result["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert result["p_value"] == pytest.approx(ref.pvalue, rel=1e-12)
    phi = (30 * 40 - 10 * 20) / np.sqrt(40 * 60 * 50 * 50)
    assert result["value"] == pytest.approx(phi, rel=1e-12)
    # the CI bounds are the noncentralities placing chi2 at the 97.5% / 2.5% quantiles
    lo, hi = result["ci_low"] ** 2 * 100, result["ci_high"] ** 2 * 100
    assert stats.ncx2.cdf(result["statistic"], 1, lo) == pytest.approx(0.975, abs=1e-6)
    assert stats.ncx2.cdf(result["statistic"], 1, hi) == pytest.approx(0.025, abs=1e-6)
    assert result["ci_low"] < result["value"] < result["ci_high"]


def test_chi_square_no_association_has_zero_lower_bound():
    result = h.chi_square(np.array([[10, 20, 30], [10, 20, 30]]))
    assert result["value"] == pytest.approx(0.0, abs=1e-12)
    assert result["ci_low"] == 0.0
    assert result["df"] == 2


def _frame(seed=0, n=120):
    rng = np.random.default_rng(seed)
    verified = rng.random(n) < 0.3
    frame = pd.DataFrame(
        {
            "verified_status": np.where(verified, "verified", "not verified"),
            "claim_status": rng.choice(["claim", "opinion"], n),
            "author_ban_status": rng.choice(["active", "under review", "banned"], n),
        }
    )
    for i, metric in enumerate(h.METRIC_LABELS):
        frame[metric] = rng.poisson(50 * (i + 1) * np.where(verified, 1, 3), n).astype(float)
    frame.loc[:4, "video_view_count"] = np.nan
    frame.loc[5:7, "claim_status"] = None
    return frame


def test_verified_status_tests_table():
    frame = _frame()
    out = h.verified_status_tests(frame, alpha=0.05)
    assert list(out.columns) == h.COLUMNS
    assert len(out) == 12 and out["test_id"].is_unique
    views = out.set_index("test_id").loc["video_view_count__welch_t"]
    kept = frame.dropna(subset=["video_view_count"])
    assert views.group_1_n + views.group_2_n == len(kept) == len(frame) - 5
    a = kept.loc[kept.verified_status == "not verified", "video_view_count"]
    assert views.group_1_mean == pytest.approx(a.mean())
    assert views.group_1_median == pytest.approx(a.median())
    for _, family in out.groupby("test_family"):
        expected = multipletests(family["p_value"], method="holm")[1]
        assert family["p_value_adjusted"].to_numpy() == pytest.approx(expected)
    assert (
        out["decision"]
        == np.where(out["p_value_adjusted"] < 0.05, "reject H0", "fail to reject H0")
    ).all()
    chi = out.set_index("test_id").loc["claim_status_by_verified_status__chi_square"]
    assert chi.n_total == frame["claim_status"].notna().sum()
    assert f"{views.group_1_mean:,.0f}" in views.conclusion


def test_alpha_changes_decisions_and_text():
    frame = _frame(seed=3, n=60)
    loose = h.verified_status_tests(frame, alpha=1.0)
    strict = h.verified_status_tests(frame, alpha=1e-300)
    engagement = loose["test_family"] == h.ENGAGEMENT_FAMILY
    assert (loose.loc[engagement, "decision"] == "reject H0").all()
    assert (strict["decision"] == "fail to reject H0").all()
    assert (strict["alpha"] == 1e-300).all()
    assert "not statistically significant" in strict["conclusion"].iloc[0]


def test_row_order_does_not_change_any_digit():
    frame = _frame(seed=4, n=500)
    shuffled = frame.sample(frac=1, random_state=2).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        h.verified_status_tests(frame, 0.05),
        h.verified_status_tests(shuffled, 0.05),
        check_exact=True,
    )

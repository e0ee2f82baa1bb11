"""Verified vs unverified accounts: hypothesis tests, effect sizes with CIs, conclusions.

Pure functions on numpy/pandas. `verified_status_tests` builds stats.hypothesis_tests.
Every two-group comparison is group 1 minus group 2, with group 1 = 'not verified' and
group 2 = 'verified' (the order of the team's original t-test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests

from tiktok_claims.formats import p_value, readable
from tiktok_claims.frames import pandas_inputs
from tiktok_claims.reference import metric_labels

CI_LEVEL = 0.95
GROUPING = "verified_status"
GROUP_1, GROUP_2 = "not verified", "verified"
BAN_LEVELS = ("active", "under review", "banned")
METRIC_LABELS = metric_labels()
TEAM_METRIC = "video_view_count"
ENGAGEMENT_FAMILY = "engagement: verified vs unverified (Welch and Mann-Whitney, 5 metrics)"
CLAIM_FAMILY = "claim status associations (chi-square)"

COLUMNS = [
    "test_id",
    "test_family",
    "question",
    "metric",
    "grouping",
    "group_1_label",
    "group_2_label",
    "group_1_n",
    "group_2_n",
    "n_total",
    "group_1_mean",
    "group_2_mean",
    "group_1_median",
    "group_2_median",
    "method",
    "statistic_name",
    "statistic",
    "degrees_of_freedom",
    "p_value",
    "p_value_adjusted",
    "adjustment_method",
    "alpha",
    "decision",
    "effect_size_name",
    "effect_size",
    "effect_size_ci_low",
    "effect_size_ci_high",
    "mean_difference",
    "mean_difference_ci_low",
    "mean_difference_ci_high",
    "ci_level",
    "conclusion",
]


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def welch_t_test(a, b, level: float = CI_LEVEL) -> dict:
    """Welch's t-test of mean(a) - mean(b) with a Welch–Satterthwaite CI for the difference."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    v1, v2 = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    df = (v1 + v2) ** 2 / (v1**2 / (a.size - 1) + v2**2 / (b.size - 1))
    diff = a.mean() - b.mean()
    half = stats.t.ppf(0.5 + level / 2, df) * np.sqrt(v1 + v2)
    # t and p straight from scipy, so they are the team's numbers exactly
    result = stats.ttest_ind(a, b, equal_var=False)
    return {
        "statistic": float(result.statistic),
        "p_value": float(result.pvalue),
        "df": float(df),
        "mean_difference": float(diff),
        "ci_low": float(diff - half),
        "ci_high": float(diff + half),
    }


def hedges_g(a, b, level: float = CI_LEVEL) -> dict:
    """Hedges' g (pooled SD, small-sample corrected) with a normal-approximation CI."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n1, n2 = a.size, b.size
    pooled = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    g = (1 - 3 / (4 * (n1 + n2) - 9)) * (a.mean() - b.mean()) / pooled
    se = np.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
    half = _z(level) * se
    return {"value": float(g), "ci_low": float(g - half), "ci_high": float(g + half)}


def mann_whitney(a, b, level: float = CI_LEVEL) -> dict:
    """Mann–Whitney U (for a) with the rank-biserial correlation and a Hanley–McNeil CI.

    r = P(a > b) - P(a < b) = 2·U/(n1·n2) - 1; its CI maps the Hanley–McNeil (1982)
    CI of the AUC = U/(n1·n2) through r = 2·AUC - 1.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n1, n2 = a.size, b.size
    result = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
    auc = result.statistic / (n1 * n2)
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n1 - 1) * (q1 - auc**2) + (n2 - 1) * (q2 - auc**2)) / (n1 * n2)
    half = _z(level) * np.sqrt(var)
    return {
        "statistic": float(result.statistic),
        "p_value": float(result.pvalue),
        "value": float(2 * auc - 1),
        "ci_low": float(max(-1.0, 2 * (auc - half) - 1)),
        "ci_high": float(min(1.0, 2 * (auc + half) - 1)),
    }


def holm(p_values) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error rate), in the input order."""
    return multipletests(np.asarray(p_values, dtype=float), method="holm")[1]


def _ncp_bound(chi2: float, dof: int, quantile: float) -> float:
    """Noncentrality at which the observed chi2 sits at `quantile` (0 when none can)."""
    if stats.chi2.cdf(chi2, dof) <= quantile:
        return 0.0
    hi = max(chi2, 1.0)
    while stats.ncx2.cdf(chi2, dof, hi) > quantile:
        hi *= 2
    return float(optimize.brentq(lambda nc: stats.ncx2.cdf(chi2, dof, nc) - quantile, 0.0, hi))


def chi_square(table, level: float = CI_LEVEL) -> dict:
    """Pearson chi-square test of independence (no continuity correction) with Cramér's V.

    The CI inverts the noncentral chi-square distribution for the noncentrality λ and
    reports sqrt(λ / (n·(k-1))), k = min(rows, columns).
    """
    table = np.asarray(table, dtype=float)
    result = stats.chi2_contingency(table, correction=False)
    n, k = table.sum(), min(table.shape)
    scale = n * (k - 1)
    chi2, dof = float(result.statistic), int(result.dof)
    return {
        "statistic": chi2,
        "p_value": float(result.pvalue),
        "df": dof,
        "n": int(n),
        "value": float(np.sqrt(chi2 / scale)),
        "ci_low": float(np.sqrt(_ncp_bound(chi2, dof, 0.5 + level / 2) / scale)),
        "ci_high": float(np.sqrt(_ncp_bound(chi2, dof, 0.5 - level / 2) / scale)),
    }


def _verdict(p_adj: float, alpha: float) -> str:
    return "reject H0" if p_adj < alpha else "fail to reject H0"


def _two_group_rows(frame: pd.DataFrame, metric: str, level: float) -> list[dict]:
    # sorted, so float sums (and so every digit) do not depend on the input's row order
    a = np.sort(frame.loc[frame[GROUPING] == GROUP_1, metric].dropna().to_numpy(dtype=float))
    b = np.sort(frame.loc[frame[GROUPING] == GROUP_2, metric].dropna().to_numpy(dtype=float))
    label = METRIC_LABELS[metric]
    team = " (the team's original test)" if metric == TEAM_METRIC else ""
    common = {
        "test_family": ENGAGEMENT_FAMILY,
        "metric": metric,
        "grouping": GROUPING,
        "group_1_label": GROUP_1,
        "group_2_label": GROUP_2,
        "group_1_n": a.size,
        "group_2_n": b.size,
        "n_total": a.size + b.size,
        "group_1_mean": a.mean(),
        "group_2_mean": b.mean(),
        "group_1_median": float(np.median(a)),
        "group_2_median": float(np.median(b)),
    }
    welch, g, mw = welch_t_test(a, b, level), hedges_g(a, b, level), mann_whitney(a, b, level)
    return [
        {
            **common,
            "test_id": f"{metric}__welch_t",
            "question": f"Do verified and unverified accounts' videos differ in mean {label}?"
            + team,
            "method": "Welch's two-sample t-test (unequal variances, two-sided)",
            "statistic_name": "t",
            "statistic": welch["statistic"],
            "degrees_of_freedom": welch["df"],
            "p_value": welch["p_value"],
            "effect_size_name": "Hedges' g (pooled SD)",
            "effect_size": g["value"],
            "effect_size_ci_low": g["ci_low"],
            "effect_size_ci_high": g["ci_high"],
            "mean_difference": welch["mean_difference"],
            "mean_difference_ci_low": welch["ci_low"],
            "mean_difference_ci_high": welch["ci_high"],
        },
        {
            **common,
            "test_id": f"{metric}__mann_whitney",
            "question": f"Do {label} of verified and unverified accounts' videos differ in "
            "distribution (does one group tend to be higher)?",
            "method": "Mann-Whitney U test (two-sided; normal approximation, tie and "
            "continuity corrected)",
            "statistic_name": "U (group 1)",
            "statistic": mw["statistic"],
            "degrees_of_freedom": np.nan,
            "p_value": mw["p_value"],
            "effect_size_name": "rank-biserial correlation",
            "effect_size": mw["value"],
            "effect_size_ci_low": mw["ci_low"],
            "effect_size_ci_high": mw["ci_high"],
        },
    ]


def _chi_square_row(frame: pd.DataFrame, grouping: str, levels, level: float) -> dict:
    labeled = frame[frame["claim_status"].notna()]
    table = pd.crosstab(labeled[grouping], labeled["claim_status"]).reindex(
        index=list(levels), columns=["claim", "opinion"], fill_value=0
    )
    result = chi_square(table.to_numpy(), level)
    shares = (table["claim"] / table.sum(axis=1)).to_dict()
    grouping_label = grouping.replace("_", " ")
    row = {
        "test_id": f"claim_status_by_{grouping}__chi_square",
        "test_family": CLAIM_FAMILY,
        "question": f"Is claim status (claim vs opinion) associated with {grouping_label}?",
        "metric": "claim_status",
        "grouping": grouping,
        "n_total": result["n"],
        "method": "Pearson chi-square test of independence (no continuity correction)",
        "statistic_name": "chi-square",
        "statistic": result["statistic"],
        "degrees_of_freedom": float(result["df"]),
        "p_value": result["p_value"],
        "effect_size_name": "Cramér's V",
        "effect_size": result["value"],
        "effect_size_ci_low": result["ci_low"],
        "effect_size_ci_high": result["ci_high"],
        "_claim_shares": shares,
    }
    if len(levels) == 2:
        # two groups: the group means are the share of labeled videos that are claims
        counts = table.sum(axis=1)
        row |= {
            "group_1_label": levels[0],
            "group_2_label": levels[1],
            "group_1_n": int(counts[levels[0]]),
            "group_2_n": int(counts[levels[1]]),
            "group_1_mean": shares[levels[0]],
            "group_2_mean": shares[levels[1]],
        }
    return row


def _conclusion(row: dict, alpha: float) -> str:
    significant = row["p_value_adjusted"] < alpha
    p_text = f"Holm-adjusted {p_value(row['p_value_adjusted'])}"
    tail = (
        f"statistically significant at alpha {alpha:g}"
        if significant
        else f"not statistically significant at alpha {alpha:g}"
    )
    if row["statistic_name"] == "chi-square":
        shares = ", ".join(f"{share:.0%} for {k}" for k, share in row["_claim_shares"].items())
        linked = "is" if significant else "is not shown to be"
        return (
            f"Claim status {linked} associated with {row['grouping'].replace('_', ' ')} "
            f"(claims are {shares}; Cramér's V = {row['effect_size']:.2f}, {p_text}), "
            f"{tail}."
        )
    label = METRIC_LABELS[row["metric"]]
    m1, m2 = row["group_1_mean"], row["group_2_mean"]
    if row["statistic_name"] == "t":
        more = "more" if m1 > m2 else "fewer"
        return (
            f"Videos from unverified accounts average {readable(m1)} {label} vs {readable(m2)} for "
            f"verified accounts ({readable(abs(m1 - m2))} {more} for unverified, 95% CI "
            f"{readable(row['mean_difference_ci_low'])} to "
            f"{readable(row['mean_difference_ci_high'])}; "
            f"{p_text}), a difference that is {tail}."
        )
    higher = "more" if row["effect_size"] > 0 else "fewer"
    return (
        f"Unverified accounts' videos tend to have {higher} {label} than verified accounts' "
        f"(median {readable(row['group_1_median'])} vs {readable(row['group_2_median'])}; "
        f"rank-biserial r = {row['effect_size']:.2f}; {p_text}), which is {tail}."
    )


@pandas_inputs
def verified_status_tests(frame: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """All tests of stats.hypothesis_tests, one row per test, from fct_videos-like rows.

    Needs verified_status, author_ban_status, claim_status and the engagement counts.
    Missing counts are dropped per metric. p-values are Holm-adjusted within each family;
    the decision compares the adjusted p-value with alpha.
    """
    rows = [r for m in METRIC_LABELS for r in _two_group_rows(frame, m, CI_LEVEL)]
    rows += [
        _chi_square_row(frame, GROUPING, (GROUP_1, GROUP_2), CI_LEVEL),
        _chi_square_row(frame, "author_ban_status", BAN_LEVELS, CI_LEVEL),
    ]
    out = pd.DataFrame(rows)
    for family in out["test_family"].unique():
        in_family = out["test_family"] == family
        out.loc[in_family, "p_value_adjusted"] = holm(out.loc[in_family, "p_value"])
    out["adjustment_method"] = "holm"
    out["alpha"] = float(alpha)
    out["ci_level"] = CI_LEVEL
    out["decision"] = [_verdict(p, alpha) for p in out["p_value_adjusted"]]
    out["conclusion"] = [_conclusion(row, alpha) for row in out.to_dict("records")]
    out = out.reindex(columns=COLUMNS)
    for column in ("group_1_n", "group_2_n", "n_total"):
        out[column] = out[column].astype("Int64")
    return out

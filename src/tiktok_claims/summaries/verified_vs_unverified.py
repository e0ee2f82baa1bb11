"""Executive summary of stats.hypothesis_tests -> <exports>/summaries/hypothesis_test.md.

Every number comes from the table (one line from ml.verified_logit_coefficients); only the
wording and the conventional effect-size labels (Cohen's cut-offs) live here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tiktok_claims.paths import connect_readonly
from tiktok_claims.reference import metric_labels
from tiktok_claims.summaries._render import write_summary
from tiktok_claims.summaries._stats_common import ci, magnitude, num, p_text

# Conventional small / medium / large cut-offs for each effect size.
G_CUTS = (0.2, 0.5, 0.8)
R_CUTS = (0.1, 0.3, 0.5)
V_CUTS = (0.1, 0.3, 0.5)
LABELS = metric_labels()


def _tests(con: duckdb.DuckDBPyConnection):
    return con.sql("select * from stats.hypothesis_tests").df().set_index("test_id")


def _engagement_table(tests) -> list[str]:
    lines = [
        "| metric | mean, unverified | mean, verified | Hedges' g (95% CI) | Welch p (Holm) "
        "| median, unverified | median, verified | rank-biserial r (95% CI) "
        "| Mann-Whitney p (Holm) |",
        "|---|---:|---:|---|---|---:|---:|---|---|",
    ]
    for metric, label in LABELS.items():
        w, m = tests.loc[f"{metric}__welch_t"], tests.loc[f"{metric}__mann_whitney"]
        lines.append(
            f"| {label} | {num(w.group_1_mean)} | {num(w.group_2_mean)} "
            f"| {w.effect_size:.2f} ({w.effect_size_ci_low:.2f} to {w.effect_size_ci_high:.2f}) "
            f"| {p_text(w.p_value_adjusted)} "
            f"| {num(m.group_1_median, 1)} | {num(m.group_2_median, 1)} "
            f"| {m.effect_size:.2f} ({m.effect_size_ci_low:.2f} to {m.effect_size_ci_high:.2f}) "
            f"| {p_text(m.p_value_adjusted)} |"
        )
    return lines


def _adjusted_views_line(con: duckdb.DuckDBPyConnection) -> str:
    """What views say once claim status and the rest are held fixed (the regression)."""
    views = con.sql(
        "select odds_ratio, odds_ratio_ci_low, odds_ratio_ci_high "
        "from ml.verified_logit_coefficients where feature = 'video_view_count'"
    ).fetchall()[0]
    odds, low, high = views
    bounds = f"odds ratio {odds:.2f} per SD of views, 95% CI {low:.2f} to {high:.2f}"
    if low <= 1 <= high:
        return (
            "- So the view gap does not stand on its own: once claim status, ban status and "
            "the other counts are held fixed in the regression, views no longer tell verified "
            f"accounts apart ({bounds}; see `verified_regression.md`)."
        )
    return (
        "- Views still tell verified accounts apart in the regression that also holds claim "
        f"status, ban status and the other counts fixed ({bounds}; see "
        "`verified_regression.md`)."
    )


def render(con: duckdb.DuckDBPyConnection) -> str:
    tests = _tests(con)
    team = tests.loc["video_view_count__welch_t"]
    mw = tests.loc["video_view_count__mann_whitney"]
    claims = tests.loc["claim_status_by_verified_status__chi_square"]
    ban = tests.loc["claim_status_by_author_ban_status__chi_square"]
    engagement = tests[tests["test_family"] == team.test_family]
    n_rejected = int((engagement["decision"] == "reject H0").sum())
    alpha = team.alpha
    direction = "more" if team.mean_difference > 0 else "fewer"
    wins = (1 + mw.effect_size) / 2  # P(unverified > verified) + half the ties
    lines = [
        "# Do verified and unverified accounts' videos differ?",
        "",
        f"_Source: `stats.hypothesis_tests`. Alpha = {alpha:g}; every CI is {team.ci_level:.0%}._",
        "",
        "## What was tested, and why",
        "",
        "Leadership asked whether videos from verified and unverified accounts differ, and "
        "which variable shows it. The team tested mean **views** (`video_view_count`), the "
        "headline reach measure, with **Welch's two-sample t-test**: the groups differ a lot "
        "in size and spread, so equal variances are not assumed. Rows with a missing view "
        f"count were dropped, leaving {num(team.group_1_n)} videos from unverified and "
        f"{num(team.group_2_n)} from verified accounts.",
        "",
        "## Result",
        "",
        f"- **The team's test:** t = {team.statistic:.2f} (df {num(team.degrees_of_freedom)}), "
        f"p = {team.p_value:.2g} ({p_text(team.p_value_adjusted)} after the Holm correction "
        f"below): {team.decision} at alpha {alpha:g}. "
        f"Unverified accounts' videos average {num(team.group_1_mean)} views against "
        f"{num(team.group_2_mean)} for verified accounts, {num(abs(team.mean_difference))} "
        f"{direction} ({ci(team.mean_difference_ci_low, team.mean_difference_ci_high, 0)}).",
        f"- **How big:** Hedges' g = {team.effect_size:.2f} "
        f"({ci(team.effect_size_ci_low, team.effect_size_ci_high)}), a "
        f"{magnitude(team.effect_size, G_CUTS)} effect by Cohen's convention.",
        f"- **A check that does not lean on the mean:** views are highly skewed and "
        f"two-humped, so means are pulled around by the biggest videos. The Mann-Whitney "
        f"test compares whole distributions: median {num(mw.group_1_median)} vs "
        f"{num(mw.group_2_median)} views, rank-biserial r = {mw.effect_size:.2f} "
        f"({ci(mw.effect_size_ci_low, mw.effect_size_ci_high)}; "
        f"{p_text(mw.p_value_adjusted)}, Holm-adjusted). Put simply, an unverified "
        f"account's video out-views a verified account's video in about {wins:.0%} of "
        f"random pairs (ties count half); a {magnitude(mw.effect_size, R_CUTS)} effect.",
        f"- **The same for other engagement:** {n_rejected} of the {len(engagement)} tests "
        f"across views, likes, shares, downloads and comments reject H0 after a Holm "
        f"correction over that family of {len(engagement)} tests (the table shows the "
        f"adjusted p-values; the team's single t-test above is reported unadjusted, as run).",
        "",
        *_engagement_table(tests),
        "",
        "## What it means for the claims project",
        "",
        f"- Verified status goes with content type: claims are {claims.group_1_mean:.0%} of "
        f"unverified accounts' labeled videos but {claims.group_2_mean:.0%} of verified "
        f"accounts' (Cramér's V = {claims.effect_size:.2f}, {p_text(claims.p_value_adjusted)}"
        f", {magnitude(claims.effect_size, V_CUTS)}). Author ban status is tied to claims "
        f"even more (Cramér's V = {ban.effect_size:.2f}, {p_text(ban.p_value_adjusted)}, "
        f"{magnitude(ban.effect_size, V_CUTS)}).",
        _adjusted_views_line(con),
        "- Verified status and ban status are cheap, always-present signals that carry "
        "information about claims, so they belong among the claim classifier's inputs. "
        "These are associations in observational data, not effects of verification.",
        "",
    ]
    return "\n".join(lines)


def write(out_dir: Path | None = None) -> Path:
    """Render from the warehouse and write hypothesis_test.md."""
    with connect_readonly() as con:
        text = render(con)
    return write_summary("hypothesis_test", text, out_dir)

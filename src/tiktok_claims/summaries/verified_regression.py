"""Executive summary of the verified-status logit -> <exports>/summaries/verified_regression.md.

Reads ml.verified_logit_coefficients, _metrics, _confusion_matrix and _assumptions; every
number comes from those tables.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from tiktok_claims.paths import connect_readonly
from tiktok_claims.summaries._render import write_summary
from tiktok_claims.summaries._stats_common import num, p_text

CONTRASTS = {
    "claim_status_claim": "a claim rather than an opinion",
    "author_ban_status_under_review": "an author under review rather than an active one",
    "author_ban_status_banned": "a banned author rather than an active one",
}


def _odds_words(odds_ratio: float) -> str:
    if odds_ratio >= 1:
        return f"{odds_ratio:.2f} times the odds ({(odds_ratio - 1):.0%} higher)"
    return f"{odds_ratio:.2f} times the odds ({(1 - odds_ratio):.0%} lower)"


def _term_line(term) -> str:
    label = term.feature_label.lower()
    unit = (
        f"each {num(term.train_sd)} more {label} (one SD)"
        if pd.notna(term.transform)
        else CONTRASTS[term.feature]
    )
    return (
        f"- **{label}**: {unit} goes with {_odds_words(term.odds_ratio)} of a verified account "
        f"(95% CI {term.odds_ratio_ci_low:.2f} to {term.odds_ratio_ci_high:.2f}; "
        f"{p_text(term.p_value)})."
    )


def _check_label(check) -> str:
    return (
        f"{check.check_name} for {check.feature_label.lower()}"
        if pd.notna(check.feature_label)
        else check.check_name
    )


def render(con: duckdb.DuckDBPyConnection) -> str:
    coefficients = con.sql(
        "select * from ml.verified_logit_coefficients order by feature_order"
    ).df()
    metrics = con.sql("select * from ml.verified_logit_metrics").df().set_index("split")
    cells = con.sql("select * from ml.verified_logit_confusion_matrix where split = 'test'").df()
    checks = con.sql("select * from ml.verified_logit_assumptions").df().set_index("check_id")
    terms = coefficients[coefficients["feature"] != "intercept"].copy()
    # a term is clearly associated when its odds-ratio CI excludes 1
    terms["clear"] = (terms["odds_ratio_ci_low"] > 1) | (terms["odds_ratio_ci_high"] < 1)
    terms = terms.reindex(terms["coefficient"].abs().sort_values(ascending=False).index)
    clear, unclear = terms[terms["clear"]], terms[~terms["clear"]]
    test, train = metrics.loc["test"], metrics.loc["train"]
    cell = cells.set_index(["actual_class", "predicted_class"])["n"]
    positive = test.positive_class
    found = cell[(positive, positive)]
    false_alarms = cell[("not verified", positive)]
    negatives = int(test.n - test.n_positive)

    like_r = checks.loc["correlation__views_likes"]
    like_vif = checks.loc["vif_with_likes__video_like_count"]
    model_vif = checks[checks.index.str.startswith("vif__")]
    model_checks = checks[~checks.index.str.startswith(("vif_with_likes__", "correlation__"))]
    failed = model_checks[~model_checks["passed"]]
    cooks = checks.loc["influence__cooks_distance"]
    epv = checks.loc["sample_size__events_per_variable"]
    transform = terms["transform"].dropna().iloc[0]

    lines = [
        "# What goes with a verified account? (logistic regression)",
        "",
        "_Source: `ml.verified_logit_coefficients`, `ml.verified_logit_metrics`, "
        "`ml.verified_logit_confusion_matrix`, `ml.verified_logit_assumptions`._",
        "",
        "## The model",
        "",
        f"The outcome is whether the video's account is verified (positive class: "
        f"{positive}). Inputs: video length, claim status, author ban status, and the view, "
        f"share, download and comment counts. Likes are left out: they move with views "
        f"(r = {like_r.statistic:.2f}), and adding them back pushes their variance inflation "
        f"factor to {like_vif.statistic:.1f}, above the limit of {like_vif.threshold:g}. "
        f"Continuous inputs are standardised ({transform}), so each odds ratio below is per "
        f"one standard deviation. The data were split {num(train.n)} train / {num(test.n)} "
        f"test, stratified, before anything else; verified accounts are only "
        f"{test.n_positive / test.n:.0%} of videos, so the fit weights the two classes "
        f"equally instead of copying rows. Standard errors are robust "
        f"({coefficients['covariance_type'].iloc[0]}).",
        "",
        "## What is associated with verified status",
        "",
        "Holding the other inputs fixed:" if len(clear) else "No input shows a clear association.",
        "",
        *[_term_line(term) for term in clear.itertuples()],
        "",
        "No clear association (the 95% CI of the odds ratio includes 1): "
        + ", ".join(unclear["feature_label"].str.lower())
        + "."
        if len(unclear)
        else "Every input shows a clear association.",
        "",
        "## How good the model is",
        "",
        f"On the {num(test.n)} held-out test videos ({num(test.n_positive)} verified), the "
        f"model ranks a verified account's video above an unverified one's "
        f"{test.roc_auc:.0%} of the time (ROC AUC {test.roc_auc:.2f}; train "
        f"{train.roc_auc:.2f}). At a probability threshold of {test.threshold:.3f}, which "
        f"{test.threshold_method} (the test rows played no part), it finds {num(found)} of "
        f"{num(test.n_positive)} verified videos (recall {test.recall:.2f}) but also flags "
        f"{num(false_alarms)} of {num(negatives)} unverified ones, so precision is "
        f"{test.precision:.2f}, F1 {test.f1:.2f} and accuracy {test.accuracy:.2f}.",
        "",
        "## Checks and limits",
        "",
        f"- {len(model_checks) - len(failed)} of {len(model_checks)} assumption checks pass"
        + (
            "; failing: " + ", ".join(_check_label(c) for c in failed.itertuples())
            if len(failed)
            else ""
        )
        + f". Largest Cook's distance {cooks.statistic:.3f} (limit {cooks.threshold:g}); "
        f"{epv.statistic:.0f} events per variable (minimum {epv.threshold:g}).",
        f"- The engagement counts move together (VIF up to {model_vif['statistic'].max():.1f}), "
        "so read their odds ratios together: each is the association with one count while "
        "the others are held fixed, which real videos rarely do.",
        "- The data have no author id: several videos by one account cannot be linked, so "
        "the standard errors assume videos are independent.",
        "- The model describes associations, not causes. The intercept and the predicted "
        "probabilities are on the balanced-weight scale, not the real share of verified "
        "accounts.",
        f"- The discrimination is modest (AUC {test.roc_auc:.2f}): useful to describe how "
        "verified accounts' videos differ, not to decide whether an account is verified.",
        "",
    ]
    return "\n".join(lines)


def write(out_dir: Path | None = None) -> Path:
    """Render from the warehouse and write verified_regression.md."""
    with connect_readonly() as con:
        text = render(con)
    return write_summary("verified_regression", text, out_dir)

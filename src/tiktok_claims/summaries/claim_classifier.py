"""Executive summary of the claim classifier -> <exports>/summaries/claim_classifier.md.

Every number is read from ml.claim_classifier_metrics, ml.claim_confusion_matrix,
ml.claim_classifier_feature_importance, ml.claim_predictions and stats.hypothesis_tests.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tiktok_claims.paths import connect_readonly
from tiktok_claims.summaries._render import Fact, count, number, render, share, write_summary

M = "ml.claim_classifier_metrics"
CHAMPION = f"(select model_name from {M} where is_champion and split = 'test')"
# The challenger: XGBoost, unless XGBoost won; then the best other contender on validation.
CHALLENGER = f"""(
    select model_name from {M}
    where split = 'validation' and variant = 'candidate'
      and model_name not in ({CHAMPION}, 'baseline_view_threshold')
    order by model_name = 'xgboost' desc, f1 desc limit 1
)"""


def _metric(column: str, where: str, fmt=share) -> Fact:
    return Fact(f"select {column} from {M} where {where}", fmt)


def _cell(actual: str, predicted: str) -> Fact:
    return Fact(
        f"""select c.n from ml.claim_confusion_matrix as c
        inner join {M} as m
            on c.model_name = m.model_name and c.variant = m.variant and c.split = m.split
           and c.feature_set = m.feature_set
        where m.is_champion and m.split = 'test'
          and c.actual_label = '{actual}' and c.predicted_label = '{predicted}'""",
        count,
    )


def _ablation(feature_set: str, column: str) -> Fact:
    return _metric(column, f"is_ablation and feature_set = '{feature_set}'")


CHAMP_TEST = "is_champion and split = 'test'"
CHAMP_VALIDATION = "is_champion and split = 'validation'"
CHALLENGER_VALIDATION = (
    f"model_name = {CHALLENGER} and split = 'validation' and variant = 'candidate'"
)
BASE_TEST = "model_name = 'baseline_view_threshold' and split = 'test'"
TEST_ROWS = "from ml.claim_predictions where split = 'test'"

FACTS = {
    "champion": Fact(f"select replace({CHAMPION}, '_', ' ')"),
    "challenger": Fact(f"select replace({CHALLENGER}, '_', ' ')"),
    "reason": _metric("note", CHAMP_VALIDATION, str),
    "val_recall": _metric("recall", CHAMP_VALIDATION),
    "val_precision": _metric("precision", CHAMP_VALIDATION),
    "ch_recall": _metric("recall", CHALLENGER_VALIDATION),
    "ch_precision": _metric("precision", CHALLENGER_VALIDATION),
    "drivers": Fact(
        """select string_agg(
            replace(feature, 'video_transcription_text', 'transcription') || ' ('
            || cast(cast(round(importance, 3) as decimal(10, 3)) as varchar) || ')',
            ', ' order by importance_rank)
        from ml.claim_classifier_feature_importance
        where method = 'permutation_validation' and importance_rank <= 5"""
    ),
    "impurity_top": Fact(
        """select string_agg(feature, ', ' order by importance_rank)
        from ml.claim_classifier_feature_importance
        where method <> 'permutation_validation' and importance_rank <= 5"""
    ),
    "test_n": _metric("n", CHAMP_TEST, count),
    "test_accuracy": _metric("accuracy", CHAMP_TEST),
    "test_precision": _metric("precision", CHAMP_TEST),
    "test_recall": _metric("recall", CHAMP_TEST),
    "tp": _cell("claim", "claim"),
    "fn": _cell("claim", "opinion"),
    "fp": _cell("opinion", "claim"),
    "base_accuracy": _metric("accuracy", BASE_TEST),
    "base_precision": _metric("precision", BASE_TEST),
    "base_recall": _metric("recall", BASE_TEST),
    "base_threshold": Fact(
        f"""select cast(json_extract_string(params, '$.threshold') as double) from {M}
        where model_name = 'baseline_view_threshold' and split = 'validation'""",
        number(0),
    ),
    "videos": Fact("select count(*) from ml.claim_predictions", count),
    "flagged": Fact(
        "select count(*) from ml.claim_predictions where predicted_label = 'claim'", count
    ),
    "flagged_share": Fact(
        "select avg(case when predicted_label = 'claim' then 1.0 else 0 end) "
        "from ml.claim_predictions",
        share,
    ),
    "test_flagged_share": Fact(
        f"select avg(case when predicted_label = 'claim' then 1.0 else 0 end) {TEST_ROWS}", share
    ),
    "test_claims_caught": Fact(
        "select avg(case when predicted_label = 'claim' then 1.0 else 0 end) "
        f"{TEST_ROWS} and actual_label = 'claim'",
        share,
    ),
    "unlabeled": Fact("select count(*) from ml.claim_predictions where split = 'unlabeled'", count),
    "unlabeled_flagged": Fact(
        "select count(*) from ml.claim_predictions "
        "where split = 'unlabeled' and predicted_label = 'claim'",
        count,
    ),
    "abl_all_recall": _ablation("all", "recall"),
    "abl_eng_recall": _ablation("engagement_only", "recall"),
    "abl_eng_precision": _ablation("engagement_only", "precision"),
    "abl_text_recall": _ablation("text_only", "recall"),
    "abl_text_precision": _ablation("text_only", "precision"),
    "abl_noban_recall": _ablation("no_ban_status", "recall"),
    "abl_noban_precision": _ablation("no_ban_status", "precision"),
    "calibration": _metric("note", CHAMP_TEST, str),
    "gain_claims": Fact(
        """select sum(case when model_name = 'baseline_view_threshold' then n else -n end)
        from ml.claim_confusion_matrix
        where split = 'test' and actual_label = 'claim' and predicted_label = 'opinion'""",
        count,
    ),
    "ban_effect": Fact(
        f"""select case
            when abs(a.recall - b.recall) <= 0.002 and abs(a.precision - b.precision) <= 0.002
                then 'changes validation recall and precision by 0.2 points or less without '
                     || 'it, so the model stays usable at report time.'
            else 'moves validation recall or precision by more than 0.2 points: check that '
                 || 'ban status is known when a report comes in before relying on it.'
        end
        from {M} as a cross join {M} as b
        where a.is_ablation and a.feature_set = 'all'
          and b.is_ablation and b.feature_set = 'no_ban_status'"""
    ),
}

TEMPLATE = """# Claim classifier: executive summary

## The model, and why it won

We use a **{champion}** to tell claim videos from opinion videos. Four candidates were tuned
on 60% of the labeled videos and compared on a separate 20% (validation); videos with the
same transcription never sit in two parts, so repeated texts cannot flatter the scores.
The {champion} caught {val_recall} of validation claims with {val_precision} precision,
against {ch_recall} and {ch_precision} for the {challenger}. The rule: the most claims
caught (a missed claim is the costly error), near-ties going to the better balance with
precision. In detail: {reason}.

## What drives the predictions

Shuffling one input at a time on validation and measuring
how much ranking quality (average precision) drops gives, most important first:
{drivers}. Inside the model, the top splits/weights are on {impurity_top}.

## How well it works on videos it has never seen

On the held-out test set ({test_n} labeled videos, looked at once, after the choice):

- it is right about **{test_accuracy}** of videos;
- it finds **{test_recall}** of claims ({tp} caught, {fn} missed);
- when it says "claim", it is right **{test_precision}** of the time ({fp} opinions flagged
  as claims).

For scale, a one-line rule, "claim if the video has at least {base_threshold} views", gets
{base_accuracy} accuracy, {base_recall} recall and {base_precision} precision on the same
videos: the model catches {gain_claims} more of the test claims than the rule does.

## Verified against unverified accounts

{hypothesis}

## What the moderation queue does to the backlog

The queue (`marts.moderation_queue`) ranks all {videos} videos: predicted claims first, by
probability, then by views. {flagged} videos ({flagged_share}) are predicted claims. On the
test set, the predicted-claim part of the queue is {test_flagged_share} of the videos and
holds {test_claims_caught} of the claims: moderators can work that first part of the queue
and leave the rest to spot checks. The {unlabeled} unlabeled videos are scored too
({unlabeled_flagged} predicted claims); they have no counts or text in the file, so their
scores rest on typical (median) values and deserve a manual look.

## Caveats and what to monitor

- **Ablation (validation recall / precision):** engagement only {abl_eng_recall} /
  {abl_eng_precision}; text only {abl_text_recall} / {abl_text_precision}; without author
  ban status {abl_noban_recall} / {abl_noban_precision}; all features {abl_all_recall}
  recall. Author ban status, which may be set only after a claim is judged, {ban_effect}
- **Calibration:** {calibration}.
- **Monitor:** the view distribution of incoming reports (the model leans on reach; if
  claims stop going viral, recall falls), the claim share among reports, precision at the
  top of the queue (from moderator decisions), and retrain when any of these drift.
"""


def _hypothesis(con: duckdb.DuckDBPyConnection) -> str:
    """The verified-vs-unverified finding, or a clear sentence when the table is missing."""
    found = con.sql(
        "select count(*) from information_schema.tables "
        "where table_schema = 'stats' and table_name = 'hypothesis_tests'"
    ).fetchall()[0][0]
    if not found:
        return (
            "The hypothesis tests (`stats.hypothesis_tests`) are not in this warehouse, so "
            "this finding is not reported here."
        )
    rows = con.sql(
        "select conclusion from stats.hypothesis_tests where test_id = 'video_view_count__welch_t'"
    ).fetchall()
    if not rows:
        return "`stats.hypothesis_tests` has no views test for verified status."
    return f"From the hypothesis tests (`stats.hypothesis_tests`): {rows[0][0]}"


def build(con: duckdb.DuckDBPyConnection) -> str:
    facts = FACTS | {"hypothesis": Fact(f"select {_sql_text(_hypothesis(con))}")}
    return render(TEMPLATE, facts, con)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def write(out_dir: Path | None = None) -> Path:
    with connect_readonly() as con:
        return write_summary("claim_classifier", build(con), out_dir)

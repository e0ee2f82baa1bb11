"""Executive summary of the claim classifier -> <exports>/summaries/claim_classifier.md.

Every number is read from ml.claim_classifier_metrics, ml.claim_confusion_matrix,
ml.claim_classifier_feature_importance, ml.claim_classifier_capacity, ml.claim_predictions
and stats.hypothesis_tests.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tiktok_claims.ml.names import DISPLAY_NAMES
from tiktok_claims.paths import connect_readonly
from tiktok_claims.summaries._render import Fact, count, number, render, share, write_summary

M = "ml.claim_classifier_metrics"
CHAMPION = f"(select model_name from {M} where is_champion and split = 'test')"
# The runner-up on validation among the other contenders.
CHALLENGER = f"""(
    select model_name from {M}
    where split = 'validation' and variant = 'candidate' and feature_set = 'report_time'
      and model_name not in ({CHAMPION}, 'baseline_view_threshold')
    order by recall desc, f1 desc, model_name limit 1
)"""


def _display(expression: str) -> str:
    """SQL: a model identifier -> the plain name people read ('Random forest')."""
    cases = " ".join(f"when '{k}' then '{v}'" for k, v in DISPLAY_NAMES.items())
    return f"case {expression} {cases} end"


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


def _ablation(feature_set: str, column: str, split: str = "validation") -> Fact:
    return _metric(column, f"is_ablation and feature_set = '{feature_set}' and split = '{split}'")


CHAMP_TEST = "is_champion and split = 'test'"
CHAMP_VALIDATION = "is_champion and split = 'validation'"
CHAMP_GEN = "is_champion and split = 'generalisation'"
CHALLENGER_VALIDATION = (
    f"model_name = {CHALLENGER} and split = 'validation' and variant = 'candidate'"
)
BASE_TEST = "model_name = 'baseline_view_threshold' and split = 'test'"
PREDICTIONS = "from ml.claim_predictions"

FACTS = {
    "champion": Fact(f"select {_display(CHAMPION)}"),
    "challenger": Fact(f"select {_display(CHALLENGER)}"),
    "reason": _metric("note", CHAMP_VALIDATION, str),
    "val_recall": _metric("recall", CHAMP_VALIDATION),
    "val_precision": _metric("precision", CHAMP_VALIDATION),
    "ch_recall": _metric("recall", CHALLENGER_VALIDATION),
    "ch_precision": _metric("precision", CHALLENGER_VALIDATION),
    "drivers": Fact(
        """select string_agg(
            case feature when 'transcription (all terms)' then 'the transcription'
                when 'verified_status__verified' then 'verified status'
                when 'video_duration_sec' then 'video duration' else feature end
            || ' (' || cast(cast(round(importance, 3) as decimal(10, 3)) as varchar) || ')',
            ', ' order by importance_rank)
        from ml.claim_classifier_feature_importance
        where method = 'permutation_validation' and importance_rank <= 5"""
    ),
    "top_terms": Fact(
        """select string_agg('"' || replace(feature, 'term: ', '') || '"', ', '
            order by importance_rank)
        from ml.claim_classifier_feature_importance
        where method <> 'permutation_validation' and importance_rank <= 6"""
    ),
    "test_n": _metric("n", CHAMP_TEST, count),
    "test_accuracy": _metric("accuracy", CHAMP_TEST),
    "test_precision": _metric("precision", CHAMP_TEST),
    "test_recall": _metric("recall", CHAMP_TEST),
    "recall_low": _metric("recall_ci_low", CHAMP_TEST),
    "precision_low": _metric("precision_ci_low", CHAMP_TEST),
    "tp": _cell("claim", "claim"),
    "fn": _cell("claim", "opinion"),
    "fp": _cell("opinion", "claim"),
    "gen_n": _metric("n", CHAMP_GEN, count),
    "gen_recall": _metric("recall", CHAMP_GEN),
    "gen_precision": _metric("precision", CHAMP_GEN),
    "gen_note": _metric("note", CHAMP_GEN, str),
    "base_precision": _metric("precision", BASE_TEST),
    "base_recall": _metric("recall", BASE_TEST),
    "base_threshold": Fact(
        f"""select cast(json_extract_string(params, '$.threshold') as double) from {M}
        where model_name = 'baseline_view_threshold' and split = 'validation'""",
        number(0),
    ),
    "eng_recall": _ablation("with_engagement", "recall", "test"),
    "eng_precision": _ablation("with_engagement", "precision", "test"),
    "abl_eng_recall": _ablation("engagement_only", "recall"),
    "abl_eng_precision": _ablation("engagement_only", "precision"),
    "abl_text_recall": _ablation("text_only", "recall"),
    "abl_text_precision": _ablation("text_only", "precision"),
    "videos": Fact(f"select count(*) {PREDICTIONS}", count),
    "flagged": Fact(f"select count(*) {PREDICTIONS} where predicted_label = 'claim'", count),
    "manual": Fact(f"select count(*) {PREDICTIONS} where needs_manual_review", count),
    "cap_k": Fact(
        "select daily_capacity from ml.claim_classifier_capacity order by daily_capacity desc "
        "limit 1",
        count,
    ),
    "cap_precision": Fact(
        "select precision_at_k from ml.claim_classifier_capacity "
        "order by daily_capacity desc limit 1",
        share,
    ),
    "calibration": _metric("note", CHAMP_TEST, str),
}

TEMPLATE = """# Claim classifier: executive summary

## What the model reads, and what it cannot see

The **{champion}** reads only what is known when a report arrives: the words of the
transcription (TF-IDF terms, vocabulary fit on training videos only), whether the account is
verified, and the video's length. It does **not** see views, likes, shares or comments (a
just-reported video has not reached them yet), nor the author's ban status (a ban can follow
from the very claim being judged). It cannot judge a video without a transcription: the
{manual} such videos go to moderators unscored (`needs_manual_review`), with no made-up value.

## Why this model

Five candidates (a view-count rule as the baseline, logistic regression, naive Bayes, random
forest, XGBoost) were trained on 60% of the labeled videos, with the text setting tuned there
by cross-validation, and compared on another 20% (validation); videos with the same
transcription never sit in two parts. The rule: most claims caught, then F1; an exact tie
goes to the random forest. The {champion} caught {val_recall} of validation claims at
{val_precision} precision; the runner-up ({challenger}) {ch_recall} at {ch_precision}. In
detail: {reason}.

## How well it works

On the test set ({test_n} labeled videos, looked at once, after the choice) it finds
**{test_recall}** of claims ({tp} caught, {fn} missed; 95% interval from {recall_low}) and
when it says "claim" it is right **{test_precision}** of the time ({fp} opinions flagged;
interval from {precision_low}). Accuracy: {test_accuracy}.

**Unseen wording.** Trained without whole opening patterns and scored on the {gen_n}
labeled videos that use them, it finds {gen_recall} of claims at {gen_precision} precision:
moderators will see wording the model has never seen, and this is the fairer guide to how it
does then. ({gen_note}.)

For scale, the rule "claim if the video has at least {base_threshold} views" finds
{base_recall} of test claims at {base_precision} precision, and it needs the final views.
The same model given the engagement counts too finds {eng_recall} at {eng_precision}: the
counts add nothing the words do not already say.

## What drives the predictions

Shuffling one input at a time on validation and measuring the drop in ranking quality
(average precision): {drivers}. The terms the model splits on most: {top_terms}.

## What the moderation queue does to the backlog

Of the {videos} staged videos the model scores every one with a transcription (the {manual}
without one go to moderators unscored); {flagged} are predicted claims (claim probability
0.5 or more). The queue (`marts.moderation_queue`) holds the open ones only (no label, no
moderator decision; new reports arrive daily through the inbox): predicted claims first by
probability, then the unscored ones, then predicted opinions. A team that reviews {cap_k}
reports a day works the top of the queue: on test, that share of the queue is {cap_precision} claims
(`ml.claim_classifier_capacity`).

## Caveats and what to monitor

- **Ablation (validation recall / precision):** text only {abl_text_recall} /
  {abl_text_precision}; engagement only {abl_eng_recall} / {abl_eng_precision}.
- **Calibration:** {calibration}.
- **Monitor:** new phrasings (the unseen-wording score above is the warning sign), the claim
  share among reports, precision at the top of the queue (from moderator decisions), and
  retrain when any of these drift.

## Verified against unverified accounts

{hypothesis}
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

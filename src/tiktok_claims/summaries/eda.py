"""Executive summary of the exploratory analysis -> <exports>/summaries/eda.md.

For a non-technical reader. The wording lives in TEMPLATE; every number (and every word that
depends on the data) is one query in FACTS, read from the warehouse when the summary is made.
"""

from __future__ import annotations

from pathlib import Path

from tiktok_claims.paths import connect_readonly
from tiktok_claims.reference import metric_labels
from tiktok_claims.summaries._render import Fact, count, number, render, share, text, times
from tiktok_claims.summaries._render import write_summary as _write

METRICS = {label: metric for metric, label in metric_labels().items()}  # 'views' -> column


def _class_stat(column: str, claim_status: str, metric: str) -> str:
    return (
        f"select {column} from marts.engagement_by_claim_status "
        f"where claim_status = '{claim_status}' and metric = '{metric}'"
    )


def _outlier(column: str, metric: str) -> str:
    return f"select {column} from marts.engagement_outliers where metric = '{metric}'"


def _ban(column: str, status: str) -> str:
    return (
        f"select {column} from marts.author_ban_status_summary where author_ban_status = '{status}'"
    )


def _crosstab(table: str, row_column: str, status: str) -> str:
    return (
        f"select row_share from marts.{table} "
        f"where {row_column} = '{status}' and claim_status = 'claim'"
    )


def _claim_status(column: str, status: str) -> str:
    return f"select {column} from marts.claim_status_summary where claim_status = '{status}'"


_QUARANTINE = """
select
    case
        when max(case when row_kind = 'total' then rejected_rows end) = 0
            then 'No row was quarantined: every row passed the type, category and '
                || 'duplicate checks.'
        else cast(max(case when row_kind = 'total' then rejected_rows end) as varchar)
            || ' rows were quarantined (kept, with their reason, in '
            || '`staging.stg_tiktok__videos_rejected`): '
            || string_agg(
                case when row_kind = 'reason'
                    then rejection_reason || ' (' || cast(rejected_rows as varchar) || ')' end,
                '; ' order by rejected_rows desc, rejection_reason
            ) || '.'
    end
from marts.ingestion_audit
"""

_AUDIT = "select {column} from marts.ingestion_audit where row_kind = 'total'"

_BALANCE = """
select case when abs(max(share_of_labeled) - min(share_of_labeled)) < 0.05
    then 'almost evenly balanced, so a classifier needs no re-weighting and plain accuracy '
        || 'is a fair first yardstick'
    else 'unbalanced, so a classifier should be judged on precision and recall, not accuracy'
end
from marts.claim_status_summary where claim_status != 'unlabeled'
"""

_VERIFIED_WORD = """
select case when max(case when verified_status = 'verified' then row_share end)
    < max(case when verified_status = 'not verified' then row_share end)
    then 'less' else 'more' end
from marts.claim_status_by_verified_status where claim_status = 'claim'
"""

_BAN_TREND = """
select case
    when max(case when author_ban_status = 'banned' then row_share end)
        > max(case when author_ban_status = 'active' then row_share end)
        then 'rises' else 'does not rise'
end
from marts.claim_status_by_author_ban_status where claim_status = 'claim'
"""

_REACH_WORD = """
select case when c.median > 2 * o.median then 'far more' when c.median > o.median then 'more'
    else 'no more' end
from marts.engagement_by_claim_status as c, marts.engagement_by_claim_status as o
where c.metric = 'video_view_count' and o.metric = c.metric
    and c.claim_status = 'claim' and o.claim_status = 'opinion'
"""

_VIEWS_ORDER = """
select case when max(case when author_ban_status = 'banned' then median_views end)
        > max(case when author_ban_status = 'under review' then median_views end)
    and max(case when author_ban_status = 'under review' then median_views end)
        > max(case when author_ban_status = 'active' then median_views end)
    then 'rise the same way' else 'do not rise steadily with ban status' end
from marts.author_ban_status_summary
"""

# Tukey outliers that are claims, over all metrics.
_OUTLIER_CLAIM_SHARE = """
with long_values as (
    {unions}
)
select count_if(long_values.claim_status = 'claim') / nullif(count(*), 0)
from long_values
inner join marts.engagement_outliers as o on long_values.metric = o.metric
where long_values.value > o.tukey_threshold
"""


def _outlier_claim_share_sql() -> str:
    unions = "\n    union all\n    ".join(
        f"select '{m}' as metric, claim_status, {m} as value from marts.fct_videos"
        for m in METRICS.values()
    )
    return _OUTLIER_CLAIM_SHARE.format(unions=unions)


def _outlier_meaning_sql() -> str:
    return f"""
select case when coalesce(({_outlier_claim_share_sql()}), 0) >= 0.9
    then 'These "outliers" are not data errors: they are the claim class itself. Keep them, '
        || 'and prefer robust transforms (logs, ranks) or tree-based models to dropping '
        || 'or capping them.'
    else 'Outliers come from both classes; check them for data errors before modelling, '
        || 'and prefer robust transforms (logs, ranks) or tree-based models to dropping them.'
end
"""


def facts() -> dict[str, Fact]:
    f: dict[str, Fact] = {
        # size and quality
        "source_rows": Fact(_AUDIT.format(column="source_rows"), count),
        "staged_rows": Fact(_AUDIT.format(column="staged_rows"), count),
        "quarantine": Fact(_QUARANTINE, text),
        "unlabeled": Fact(_claim_status("videos", "unlabeled"), count),
        "unlabeled_share": Fact(_claim_status("share_of_all", "unlabeled"), share),
        "no_counts": Fact("select count_if(video_view_count is null) from marts.fct_videos", count),
        "no_counts_unlabeled": Fact(
            "select count_if(video_view_count is null and claim_status is null) "
            "from marts.fct_videos",
            count,
        ),
        "no_text": Fact(
            "select count_if(video_transcription_text is null) from marts.fct_videos", count
        ),
        # balance
        "claims": Fact(_claim_status("videos", "claim"), count),
        "opinions": Fact(_claim_status("videos", "opinion"), count),
        "claim_share": Fact(_claim_status("share_of_labeled", "claim"), share),
        "opinion_share": Fact(_claim_status("share_of_labeled", "opinion"), share),
        "labeled": Fact(
            "select sum(videos) from marts.claim_status_summary where claim_status != 'unlabeled'",
            count,
        ),
        "balance": Fact(_BALANCE, text),
        # engagement
        "opinion_max_views": Fact(_class_stat("max_value", "opinion", METRICS["views"]), count),
        "claim_max_views": Fact(_class_stat("max_value", "claim", METRICS["views"]), count),
        "claims_above_opinion_max": Fact(
            "select count(*) from marts.fct_videos where claim_status = 'claim' and "
            f"video_view_count > ({_class_stat('max_value', 'opinion', METRICS['views'])})",
            count,
        ),
        "claim_view_share": Fact(
            "select sum(case when claim_status = 'claim' then total end) / sum(total) "
            "from marts.engagement_by_claim_status where metric = 'video_view_count'",
            share,
        ),
        # verified and ban status
        "verified_videos": Fact(
            "select videos from marts.verified_status_summary where verified_status = 'verified'",
            count,
        ),
        "verified_video_share": Fact(
            "select sum(case when verified_status = 'verified' then videos end) / sum(videos) "
            "from marts.verified_status_summary",
            share,
        ),
        "verified_claim_share": Fact(
            _crosstab("claim_status_by_verified_status", "verified_status", "verified"), share
        ),
        "unverified_claim_share": Fact(
            _crosstab("claim_status_by_verified_status", "verified_status", "not verified"),
            share,
        ),
        "verified_word": Fact(_VERIFIED_WORD, text),
        "ban_trend": Fact(_BAN_TREND, text),
        "banned_videos": Fact(_ban("videos", "banned"), count),
        "review_videos": Fact(_ban("videos", "under review"), count),
        # outliers
        "outlier_meaning": Fact(_outlier_meaning_sql(), text),
        "reach_word": Fact(_REACH_WORD, text),
        "views_order": Fact(_VIEWS_ORDER, text),
        "outlier_claim_share": Fact(_outlier_claim_share_sql(), share, if_null="n/a (none)"),
    }
    for status, key in (("active", "active"), ("under review", "review"), ("banned", "banned")):
        f[f"{key}_claim_share"] = Fact(
            _crosstab("claim_status_by_author_ban_status", "author_ban_status", status), share
        )
        f[f"{key}_median_views"] = Fact(_ban("median_views", status), count)
    for label, metric in METRICS.items():
        f[f"claim_median_{label}"] = Fact(_class_stat("median", "claim", metric), number(1))
        f[f"opinion_median_{label}"] = Fact(_class_stat("median", "opinion", metric), number(1))
        f[f"ratio_{label}"] = Fact(
            f"select c.median / nullif(o.median, 0) from ({_class_stat('median', 'claim', metric)})"
            f" as c (median), ({_class_stat('median', 'opinion', metric)}) as o (median)",
            times,
            if_null="far more",
        )
        f[f"tukey_{label}"] = Fact(_outlier("tukey_outliers", metric), count)
        f[f"tukey_share_{label}"] = Fact(_outlier("tukey_outlier_share", metric), share)
        f[f"median_rule_share_{label}"] = Fact(_outlier("median_rule_outlier_share", metric), share)
        f[f"tukey_threshold_{label}"] = Fact(_outlier("tukey_threshold", metric), count)
        f[f"median_rule_{label}"] = Fact(_outlier("median_rule_outliers", metric), count)
        f[f"median_rule_threshold_{label}"] = Fact(_outlier("median_rule_threshold", metric), count)
    return f


_OUTLIER_ROW = (
    "| {m} | {{tukey_threshold_{m}}} | {{tukey_{m}}} ({{tukey_share_{m}}}) "
    "| {{median_rule_threshold_{m}}} | {{median_rule_{m}}} ({{median_rule_share_{m}}}) |"
)

TEMPLATE = """# What the TikTok report data shows: exploratory summary

_Every number below is read from the warehouse when this page is generated (marts
`ingestion_audit`, `fct_videos`, `claim_status_summary`, `engagement_by_claim_status`,
`engagement_outliers`, `author_ban_status_summary`, `verified_status_summary` and the
claim-status crosstabs).
The charts are in `figures/`._

## The data: size and quality

- The source file has **{source_rows} rows**; **{staged_rows}** passed every check and were
  loaded. {quarantine}
- **{unlabeled} videos ({unlabeled_share})** have no claim/opinion label. They stay in the
  warehouse so the classifier can score them, but they are left out of every comparison
  between claims and opinions.
- {no_counts} videos have no engagement counts (of which {no_counts_unlabeled} are unlabeled),
  and {no_text} have no transcription text.

## Claims and opinions

- Of the {labeled} labeled videos, **{claims} are claims ({claim_share})** and
  **{opinions} are opinions ({opinion_share})**.
- The two classes are {balance}.

## How engagement differs between the two classes

- Claim videos reach {reach_word} people than opinions. The typical (median) claim video has
  **{claim_median_views} views against {opinion_median_views}** for an opinion:
  {ratio_views} as many.
- The other measures, as claim-to-opinion ratios of medians: likes {ratio_likes}
  ({claim_median_likes} vs {opinion_median_likes}), shares {ratio_shares}
  ({claim_median_shares} vs {opinion_median_shares}), downloads {ratio_downloads}
  ({claim_median_downloads} vs {opinion_median_downloads}) and comments {ratio_comments}
  ({claim_median_comments} vs {opinion_median_comments}).
- No opinion video has more than **{opinion_max_views} views**, while claims reach
  {claim_max_views}; {claims_above_opinion_max} claim videos are above every opinion.
  Claims draw **{claim_view_share} of all views** on labeled videos.

## What verified and ban status suggest

- {verified_videos} videos ({verified_video_share}) come from verified authors, and
  they are {verified_word} likely to be claims: **{verified_claim_share}** of their labeled
  videos are claims, against **{unverified_claim_share}** for unverified authors.
- The claim share {ban_trend} with the author's ban status: **{active_claim_share}** for
  active authors, **{review_claim_share}** for authors under review ({review_videos} videos)
  and **{banned_claim_share}** for banned authors ({banned_videos} videos).
- Median views {views_order}: {active_median_views} (active),
  {review_median_views} (under review), {banned_median_views} (banned).
- These are associations, not causes: banned authors may be banned *because* they post
  claims. Status is a useful signal for triage, not proof about a single video.

## Outliers, and what they mean for modelling

Two rules flag unusually high values. Tukey's rule flags values above the third quartile
plus 1.5 times the interquartile range (IQR); the rule the team used before flags values
above the median plus 1.5 times the IQR, which sits lower and so flags more videos.

| measure | Tukey threshold | Tukey outliers | team's threshold | team's outliers |
|---|---:|---:|---:|---:|
{outlier_rows}

- Of the videos flagged by Tukey's rule, **{outlier_claim_share} are claims**.
  {outlier_meaning}

## Next steps

1. Train the claim classifier on engagement and transcription features, and check that the
   engagement counts are known at the time a moderator would act (otherwise they leak the
   answer).
2. Test formally whether verified and unverified authors differ (see
   `hypothesis_test.md`), and model verified status (see `verified_regression.md`).
3. Score the {unlabeled} unlabeled videos with the chosen model and put them in the
   moderation queue.
""".replace("{outlier_rows}", "\n".join(_OUTLIER_ROW.format(m=m) for m in METRICS))


def write(out_dir: Path | None = None) -> Path:
    """Render eda.md from the warehouse; out_dir overrides <exports>."""
    with connect_readonly() as con:
        body = render(TEMPLATE, facts(), con)
    return _write("eda", body, out_dir)

{{ config(tags=['daily']) }}
-- The open reports, one item per video: staged, no label in any report, no moderator
-- decision; from the initial file and every inbox batch. Features and score come from the
-- video's latest report. Ranking rule: predicted claims first, by claim probability at the
-- precision moderators see (two decimals), then by how often the video was reported, then by
-- reach (views); then the videos the model could not score (needs_manual_review), then
-- predicted opinions, in the same order. The top daily_capacity items are review_today.
{%- set latest_batches = open_batch_filter(ref('int_open_videos')) %}
with

open_videos as (

    select * from {{ ref('int_open_videos') }}

),

-- only the batches that hold an open video's latest report: a constant list, so DuckDB
-- reads those batches' row groups, not every report ever loaded
reports as (

    select * from {{ ref('int_reports') }}
    where {{ latest_batches }}

),

-- read apart from `reports`: the queue is ranked on narrow columns, then joined to the text
-- (one window over every open item with its transcription ran out of memory at 10M items)
report_details as (

    select * from {{ ref('int_reports') }}
    where {{ latest_batches }}

),

scores as (

    select * from {{ ref('int_report_scores') }}

),

latest as (

    select
        reports.video_id,
        reports.batch_id,
        reports.video_view_count,
        reports.verified_status,
        reports.author_ban_status,
        open_videos.report_count,
        scores.claim_probability,
        scores.predicted_label,
        scores.model_version,
        coalesce(scores.needs_manual_review, true) as needs_manual_review,
        case
            when scores.video_id is null then 'not scored yet'
            else scores.manual_review_reason
        end as manual_review_reason

    from open_videos
    inner join reports
        on
            open_videos.video_id = reports.video_id
            and open_videos.latest_batch_seq = reports.batch_seq
    left join scores
        on reports.video_id = scores.video_id and reports.batch_id = scores.batch_id

),

reasons as (

    select
        *,
        case
            when video_view_count is null then 'views unknown'
            -- 999,500+ would round to '1000k'
            when video_view_count >= 999500
                then
                    cast(cast(round(video_view_count / 1000000.0, 1) as decimal(10, 1)) as varchar)
                    || 'M views'
            when video_view_count >= 1000
                then
                    cast(cast(round(video_view_count / 1000.0, 0) as bigint) as varchar)
                    || 'k views'
            else cast(video_view_count as varchar) || ' views'
        end as views_text

    from latest

),

ranked as (

    select
        *,
        cast(row_number() over (
            order by
                case
                    when predicted_label = 'claim' then 0
                    when needs_manual_review then 1
                    else 2
                end asc,
                -- 0.9991 and 0.9999 both read p=1.00: reports, then reach decide
                round(claim_probability, 2) desc,
                report_count desc,
                video_view_count desc nulls last,
                claim_probability desc,
                video_id asc
        ) as bigint) as queue_rank

    from reasons

),

queue as (

    select
        -- position in the queue
        queue_rank,
        queue_rank <= {{ var('daily_capacity') }} as review_today,
        video_id,
        batch_id,
        report_count,

        -- the model's call
        predicted_label,
        claim_probability,
        needs_manual_review,
        manual_review_reason,
        case
            when needs_manual_review then 'needs manual review: ' || manual_review_reason
            else
                'predicted ' || predicted_label
                || ', p=' || cast(cast(round(claim_probability, 2) as decimal(3, 2)) as varchar)
        end
        || ', ' || views_text
        || case
            when report_count > 1
                then ', reported ' || cast(report_count as varchar) || ' times'
            else ''
        end
        || ', author ' || coalesce(author_ban_status, 'status unknown')
        || case when verified_status = 'verified' then ', verified' else '' end
            as review_reason,
        model_version

    from ranked

),

final as (

    select
        queue.*,

        -- what the moderator looks at (from the latest report)
        report_details.video_transcription_text,
        report_details.video_view_count,
        report_details.video_like_count,
        report_details.video_share_count,
        report_details.video_comment_count,
        report_details.video_duration_sec,
        report_details.verified_status,
        report_details.author_ban_status

    from queue
    inner join report_details
        on queue.video_id = report_details.video_id and queue.batch_id = report_details.batch_id

)

select * from final

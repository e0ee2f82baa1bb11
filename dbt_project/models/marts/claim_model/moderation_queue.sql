-- Every staged video ranked for review: predicted claims first, by claim probability at the
-- precision moderators see (two decimals), ties broken by reach (views); then videos the model
-- could not score (needs_manual_review: an input it reads is missing), then predicted opinions.
-- One short reason each.
with

predictions as (

    select * from {{ ref('claim_predictions') }}

),

videos as (

    select * from {{ ref('fct_videos') }}

),

joined as (

    select
        predictions.video_id,
        predictions.predicted_label,
        predictions.claim_probability,
        predictions.model_name,
        predictions.needs_manual_review,
        predictions.manual_review_reason,
        predictions.split as prediction_split,
        videos.claim_status as known_claim_status,
        videos.video_view_count,
        videos.video_like_count,
        videos.video_share_count,
        videos.video_comment_count,
        videos.video_duration_sec,
        videos.verified_status,
        videos.author_ban_status,
        videos.video_transcription_text

    from predictions
    inner join videos on predictions.video_id = videos.video_id

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

    from joined

),

final as (

    select
        -- position in the queue
        cast(row_number() over (
            order by
                case
                    when predicted_label = 'claim' then 0
                    when needs_manual_review then 1
                    else 2
                end asc,
                -- 0.9991 and 0.9999 both read p=1.00: reach decides between them
                round(claim_probability, 2) desc,
                video_view_count desc nulls last,
                claim_probability desc,
                video_id asc
        ) as bigint) as queue_rank,
        video_id,

        -- the model's call
        predicted_label,
        claim_probability,
        case
            when needs_manual_review then 'needs manual review: ' || manual_review_reason
            else
                'predicted ' || predicted_label
                || ', p=' || cast(cast(round(claim_probability, 2) as decimal(3, 2)) as varchar)
        end
        || ', ' || views_text
        || ', author ' || coalesce(author_ban_status, 'status unknown')
        || case when verified_status = 'verified' then ', verified' else '' end
            as review_reason,
        needs_manual_review,
        model_name,
        prediction_split,
        known_claim_status,

        -- what the moderator looks at
        video_transcription_text,
        video_view_count,
        video_like_count,
        video_share_count,
        video_comment_count,
        video_duration_sec,
        verified_status,
        author_ban_status

    from reasons

)

select * from final

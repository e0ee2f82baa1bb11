-- One row per quarantined input row: where it was, what it said, why it was rejected.
with

base as (

    select * from {{ ref('base_tiktok__videos') }}
    where rejection_reason is not null

),

final as (

    select
        source_row_number,
        rejection_reason,
        raw_row_id,
        raw_video_id,
        raw_claim_status,
        raw_video_duration_sec,
        raw_video_transcription_text,
        raw_verified_status,
        raw_author_ban_status,
        raw_video_view_count,
        raw_video_like_count,
        raw_video_share_count,
        raw_video_download_count,
        raw_video_comment_count

    from base

)

select * from final

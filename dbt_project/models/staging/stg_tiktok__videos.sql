-- One row per valid input row, typed. claim_status NULL = unlabeled (kept for scoring).
with

base as (

    select * from {{ ref('base_tiktok__videos') }}
    where rejection_reason is null

),

final as (

    select
        -- identifiers
        source_row_number,
        row_id,
        video_id,

        -- label
        claim_status,
        claim_status is not null as is_labeled,
        case claim_status when 'claim' then true when 'opinion' then false end as is_claim,

        -- video and author
        video_duration_sec,
        video_transcription_text,
        verified_status,
        verified_status = 'verified' as is_verified,
        author_ban_status,

        -- engagement counts
        video_view_count,
        video_like_count,
        video_share_count,
        video_download_count,
        video_comment_count

    from base

)

select * from final

-- One row per quarantined input row: where it was, what it said, why it was rejected.
with

base as (

    select * from {{ ref('base_tiktok__videos') }}
    where is_rejected

),

final as (

    select
        source_row_number,
        rejection_reason,

        -- raw values exactly as read, all text
        raw_row_id,
        raw_video_id,
        raw_claim_status,
        raw_video_duration_sec,
        {%- for column in count_columns() %}
        raw_{{ column }},
        {%- endfor %}
        raw_verified_status,
        raw_author_ban_status,
        raw_video_transcription_text

    from base

)

select * from final

-- One row per quarantined input row: where it was, what it said, why it was rejected.
with

rejections as (

    select
        source_row_number,
        rejection_reason

    from {{ ref('base_tiktok__videos') }}
    where rejection_reason is not null

),

source as (

    select * from {{ source('tiktok', 'videos') }}

),

final as (

    select
        rejections.source_row_number,
        rejections.rejection_reason,

        -- raw values exactly as read, all text
        source.row_id as raw_row_id,
        source.video_id as raw_video_id,
        source.claim_status as raw_claim_status,
        source.video_duration_sec as raw_video_duration_sec,
        {%- for column in count_columns() %}
        source.{{ column }} as raw_{{ column }},
        {%- endfor %}
        source.verified_status as raw_verified_status,
        source.author_ban_status as raw_author_ban_status,
        source.video_transcription_text as raw_video_transcription_text

    from rejections
    inner join source on rejections.source_row_number = source.source_row_number

)

select * from final

{{ config(tags=['daily']) }}
-- The quarantined rows of the moderator decisions file: the values as read and the reason.
with

checked as (

    select * from {{ ref('int_decisions_checked') }}

),

final as (

    select
        source_row_number,
        raw_video_id,
        raw_decision,
        raw_decided_at,
        rejection_reason

    from checked
    where rejection_reason is not null

)

select * from final

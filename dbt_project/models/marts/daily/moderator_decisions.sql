{{ config(materialized='view', tags=['daily']) }}
-- One row per accepted moderator decision; is_current marks the one that counts for its video
-- (the latest decided_at; rejected rows are in moderator_decisions_rejected).
with

checked as (

    select * from {{ ref('int_decisions_checked') }}

),

final as (

    select
        video_id,
        decision,
        decided_at,
        cast(decided_at as date) as decision_date,
        is_current,
        source_row_number

    from checked
    where rejection_reason is null

)

select * from final

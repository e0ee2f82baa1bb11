{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='snapshot_date',
    tags=['daily'],
) }}
-- Each day's review_today list as shown to moderators (a second run on one day replaces that
-- day's list), so live performance is measured against what was actually shown.
with

queue as (

    select * from {{ ref('moderation_queue') }}

),

final as (

    select
        cast({{ inbox_loaded_at() }} as date) as snapshot_date,
        {{ inbox_loaded_at() }} as snapshot_at,
        queue_rank,
        video_id,
        batch_id,
        claim_probability,
        predicted_label,
        needs_manual_review

    from queue
    where review_today

)

select * from final

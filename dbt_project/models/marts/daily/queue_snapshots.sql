{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='snapshot_date',
    tags=['daily'],
) }}
-- Each day's review_today list as shown to moderators: every video on the list of any run
-- that day, with when and where it was first shown (a re-run adds nothing it showed before),
-- so live performance is measured against what was actually shown.
with

queue as (

    select * from {{ ref('moderation_queue') }}
    where review_today

),

earlier_today as (

    {% if is_incremental() -%}
    select * from {{ this }}
    where snapshot_date = cast({{ inbox_loaded_at() }} as date)
    {%- else -%}
    select
        cast(null as date) as snapshot_date,
        cast(null as timestamp) as first_shown_at,
        cast(null as bigint) as queue_rank,
        cast(null as bigint) as video_id,
        cast(null as varchar) as batch_id,
        cast(null as double) as claim_probability,
        cast(null as varchar) as predicted_label,
        cast(null as boolean) as needs_manual_review
    where false
    {%- endif %}

),

shown_now as (

    select
        cast({{ inbox_loaded_at() }} as date) as snapshot_date,
        {{ inbox_loaded_at() }} as first_shown_at,
        queue.queue_rank,
        queue.video_id,
        queue.batch_id,
        queue.claim_probability,
        queue.predicted_label,
        queue.needs_manual_review

    from queue
    where queue.video_id not in (select earlier_today.video_id from earlier_today)

),

final as (

    select * from earlier_today
    union all
    select * from shown_now

)

select * from final

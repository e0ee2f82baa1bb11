{{ config(materialized='table', tags=['daily']) }}
-- One row per reported video: how often it was reported, whether any report carried a label,
-- and which report is its latest (the highest batch_seq: later batches, then later names).
with

reports as (

    select * from {{ ref('int_reports') }}

),

final as (

    select
        video_id,
        count(*) as report_count,
        count(*) filter (where claim_status is not null) > 0 as is_labeled,
        max(batch_seq) as latest_batch_seq

    from reports
    group by video_id

)

select * from final

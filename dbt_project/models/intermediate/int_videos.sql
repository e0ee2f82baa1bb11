{{ config(row_incremental(unique_key='video_id', incremental_strategy='delete+insert')) }}
{{ config(tags=['daily'], pre_hook="{{ reports_restart(this) }}") }}
-- One row per reported video: how often it was reported, whether any report carried a label,
-- and which report is its latest (the highest batch_seq: later batches, then later names).
-- A daily run adds the reports of the batches loaded since its last run to the videos they
-- name (batch_seq above the highest it holds); a run that rebuilds the initial file counts
-- every report again (reports_restart).
{%- set since = reports_since(this) %}
with

reports as (

    select * from {{ ref('int_reports') }}
    {%- if since is not none %}
    where batch_seq > {{ since }}
    {%- endif %}

),

counted as (

    select
        video_id,
        count(*) as report_count,
        count(*) filter (where claim_status is not null) > 0 as is_labeled,
        max(batch_seq) as latest_batch_seq

    from reports
    group by video_id

),

{% if since is not none -%}
final as (

    -- the new reports are the latest ones (their batches come after every loaded one)
    select
        counted.video_id,
        counted.report_count + coalesce(loaded.report_count, 0) as report_count,
        counted.is_labeled or coalesce(loaded.is_labeled, false) as is_labeled,
        counted.latest_batch_seq

    from counted
    left join {{ this }} as loaded on counted.video_id = loaded.video_id

)

{%- else -%}
final as (

    select * from counted

)

{%- endif %}

select * from final

{{ config(materialized='table', tags=['daily']) }}
-- depends_on: {{ ref('intake_batches') }}
-- The open videos: staged, no label in any report, no current moderator decision. A table,
-- so the queue joins the reports from a small, known set (see moderation_queue).
-- A video closes by a label or a decision, and reopens only when those are rebuilt, so a
-- daily run looks again only at the videos open after the last run and the videos reported
-- in the batches it loads; the first build, a full refresh, a rebuilt initial file and
-- Spark (whose Parquet tables are dropped before they are rebuilt) look at every video.
{%- set since_last = not is_spark() and load_relation(this) is not none
    and not should_full_refresh() and not initial_file_rebuilt() %}
with

videos as (

    select * from {{ ref('int_videos') }}

),

decisions as (

    select * from {{ ref('moderator_decisions') }}

),

unlabeled as (

    select * from videos
    where not is_labeled

),

{% if since_last -%}
-- the batches this run loaded (their loaded_at is this run's)
new_batches as (

    select batch_seq from {{ ref('intake_batches') }}
    where loaded_at = {{ inbox_loaded_at() }}

),

candidates as (

    select video_id from {{ this }}
    union
    select video_id from videos
    where latest_batch_seq in (select new_batches.batch_seq from new_batches)

),

looked_at as (

    select * from unlabeled
    where video_id in (select candidates.video_id from candidates)

),

{% else -%}
looked_at as (

    select * from unlabeled

),

{% endif -%}
final as (

    select looked_at.*
    from looked_at
    left join decisions
        on looked_at.video_id = decisions.video_id and decisions.is_current
    where decisions.video_id is null

)

select * from final

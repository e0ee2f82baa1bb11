{{ config(materialized='table', tags=['daily']) }}
-- The open videos: staged, no label in any report, no current moderator decision. A table,
-- so the queue joins the reports from a small, known set (see moderation_queue).
with

videos as (

    select * from {{ ref('int_videos') }}

),

decisions as (

    select * from {{ ref('moderator_decisions') }}

),

final as (

    select videos.*
    from videos
    left join decisions
        on videos.video_id = decisions.video_id and decisions.is_current
    where not videos.is_labeled and decisions.video_id is null

)

select * from final

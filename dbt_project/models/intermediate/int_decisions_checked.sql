{{ config(materialized='table', tags=['daily']) }}
-- Every row of the moderator decisions file, typed, with why it can't be accepted (NULL when
-- it is accepted) and whether it is the video's current decision (the latest decided_at).
with

source as (

    select
        *,
        -- file order (Spark: one partition per file, ids increasing in file order)
        cast(
            row_number() over ({{ 'order by monotonically_increasing_id()' if is_spark() }})
            as bigint
        ) as source_row_number
    from {{ decisions_source() }}

),

videos as (

    select * from {{ ref('int_videos') }}

),

typed as (

    select
        source.source_row_number,
        source.video_id as raw_video_id,
        source.decision as raw_decision,
        source.decided_at as raw_decided_at,
        -- the raw file's rule (stage_videos.sql), not the engine's cast: DuckDB's try_cast
        -- rounds '12.5' to 13, Spark's gives NULL
        {{ stage_whole(
            stage_number("trim(source.video_id)", 'spark' if is_spark() else 'duckdb'),
            'bigint', '9.2e18',
        ) }} as video_id,
        lower(trim(source.decision)) as decision,
        try_cast(trim(source.decided_at) as timestamp) as decided_at

    from source

),

checked as (

    select
        typed.*,
        case
            when nullif(trim(typed.raw_video_id), '') is null then 'missing video_id'
            when typed.video_id is null then 'non-numeric video_id'
            when videos.video_id is null then 'unknown video_id'
            when typed.decision is null or typed.decision not in ('claim', 'opinion')
                then 'unknown decision (expected claim or opinion)'
            when typed.decided_at is null then 'missing or unreadable decided_at'
        end as rejection_reason

    from typed
    left join videos on typed.video_id = videos.video_id

),

final as (

    select
        *,
        rejection_reason is null
        and row_number() over (
            partition by video_id, rejection_reason is null
            order by decided_at desc, source_row_number desc
        ) = 1 as is_current

    from checked

)

select * from final

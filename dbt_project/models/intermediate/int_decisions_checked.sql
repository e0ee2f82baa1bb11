{{ config(row_incremental(unique_key='source_row_number', incremental_strategy='delete+insert')) }}
{{ config(tags=['daily']) }}
-- Every row of the moderator decisions file, typed, with why it can't be accepted (NULL when
-- it is accepted) and whether it is the video's current decision (the latest decided_at).
-- The file is append-only: a daily run checks the rows appended since the last one, and
-- again the loaded rows whose outcome they can change (every row of a video with a new row,
-- and every row of a video that was unknown before), so its cost follows the day's decisions,
-- not the history. The first run, a full refresh and Spark check every row.
{%- if is_incremental() %}{% do decisions_check_appended(this) %}{% endif %}
with

source as (

    select * from {{ decisions_source() }}

),

videos as (

    select * from {{ ref('int_videos') }}

),

{% if is_incremental() -%}
appended as (

    select source.* from source
    where
        source.source_row_number
        > (select coalesce(max(done.source_row_number), 0) from {{ this }} as done)

),

{% endif -%}
typed_new as (

    select
        source_row_number,
        video_id as raw_video_id,
        decision as raw_decision,
        decided_at as raw_decided_at,
        -- the raw file's rule (stage_videos.sql), not the engine's cast: DuckDB's try_cast
        -- rounds '12.5' to 13, Spark's gives NULL
        {{ stage_whole(
            stage_number("trim(video_id)", 'spark' if is_spark() else 'duckdb'),
            'bigint', '9.2e18',
        ) }} as video_id,
        lower(trim(decision)) as decision,
        try_cast(trim(decided_at) as timestamp) as decided_at

    from {{ 'appended' if is_incremental() else 'source' }}

),

{% if is_incremental() -%}
typed as (

    select * from typed_new
    union all
    select
        source_row_number,
        raw_video_id,
        raw_decision,
        raw_decided_at,
        video_id,
        decision,
        decided_at
    from {{ this }}
    where video_id in (
        select typed_new.video_id from typed_new
        union all
        select loaded.video_id from {{ this }} as loaded
        where loaded.rejection_reason = 'unknown video_id'
    )

),

{% else -%}
typed as (

    select * from typed_new

),

{% endif -%}
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

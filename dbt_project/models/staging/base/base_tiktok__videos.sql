{{ config(
    materialized='table',
    post_hook="drop view if exists {{ target.database }}.raw.videos",
) }}
{#- One pass over the source: type every value and record why a row can't be trusted.
    Materialised so the staging views split it without re-validating. The ONLY model that
    reads the source: dbt-duckdb reloads a plugin source for every model that refers to it.
    Raw text is kept for rejected rows only (NULL, so nearly free, for valid ones). The source
    is a view over data that lives only in this dbt process, so the post-hook drops it. -#}
{%- set counts = ['video_duration_sec'] + count_columns() -%}
{%- set categories = category_values() -%}
{%- set raw_columns = ['row_id', 'video_id', 'claim_status', 'video_duration_sec',
    'video_transcription_text', 'verified_status', 'author_ban_status'] + count_columns() -%}

with

source as (

    select * from {{ source('tiktok', 'videos') }}

),

cleaned as (

    select
        source_row_number,
        {%- for column in raw_columns %}
        {{ column }} as raw_{{ column }},
        {%- endfor %}
        {{ missing_to_null('row_id') }} as row_id_clean,
        {{ missing_to_null('video_id') }} as video_id_clean,
        try_cast({{ missing_to_null('video_id') }} as double) as video_id_num,
        {%- for column in categories %}
        lower({{ missing_to_null(column) }}) as {{ column }},
        {%- endfor %}
        {%- for column in counts %}
        {{ missing_to_null(column) }} as {{ column }}_clean,
        try_cast({{ missing_to_null(column) }} as double) as {{ column }}_num,
        {%- endfor %}
        {{ missing_to_null('video_transcription_text') }} as video_transcription_text

    from source

),

checked as (

    select
        *,
        case
            when video_id_clean is null then 'missing video_id'
            when
                video_id_num is null
                or not isfinite(video_id_num)
                or video_id_num != floor(video_id_num)
                or abs(video_id_num) >= 9.2e18
                then 'non-numeric video_id'
            {% for column in counts %}
            when
                {{ column }}_clean is not null
                and ({{ column }}_num is null or not isfinite({{ column }}_num))
                then 'non-numeric {{ column }}'
            when {{ column }}_num < 0 then 'negative {{ column }}'
            when {{ column }}_num != floor({{ column }}_num) then 'non-integer {{ column }}'
            when {{ column }}_num > {{ 2147483647 if column == 'video_duration_sec' else 9.2e18 }}
                then 'out-of-range {{ column }}'
            {% endfor %}
            when claim_status not in ({{ sql_list(categories.claim_status) }})
                then 'unknown claim_status'
            {% for column in ['verified_status', 'author_ban_status'] %}
            when
                {{ column }} is null
                or {{ column }} not in ({{ sql_list(categories[column]) }})
                then 'unknown {{ column }}'
            {% endfor %}
        end as row_defect,
        try_cast(video_id_num as bigint) as video_id

    from cleaned

),

-- the first valid row of each video_id wins; an aggregate is far cheaper than a
-- window over every column at 10M rows
first_seen as (

    select
        video_id,
        min(source_row_number) as first_row_number

    from checked
    where row_defect is null
    group by video_id

),

flagged as (

    select
        checked.*,
        coalesce(
            checked.row_defect,
            case
                when checked.source_row_number > first_seen.first_row_number
                    then 'duplicate video_id'
            end
        ) as rejection_reason

    from checked
    left join first_seen on checked.video_id = first_seen.video_id

),

final as (

    select
        -- provenance
        source_row_number,
        rejection_reason,

        -- typed values (meaningful when rejection_reason is null)
        coalesce(
            try_cast(try_cast(row_id_clean as double) as bigint),
            source_row_number
        ) as row_id,
        video_id,
        claim_status,
        try_cast(video_duration_sec_num as integer) as video_duration_sec,
        {%- for column in count_columns() %}
        try_cast({{ column }}_num as bigint) as {{ column }},
        {%- endfor %}
        video_transcription_text,
        verified_status,
        author_ban_status,

        -- raw values as read (text), for rejected rows only
        {%- for column in raw_columns %}
        case when rejection_reason is not null then raw_{{ column }} end as raw_{{ column }},
        {%- endfor %}
        rejection_reason is not null as is_rejected

    from flagged

)

select * from final

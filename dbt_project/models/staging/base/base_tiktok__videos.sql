{{ config(materialized='table') }}
{#- One pass over the source: type every value and record why a row can't be trusted.
    Materialised so the two staging views split it without re-validating. -#}
{%- set counts = ['video_duration_sec'] + count_columns() -%}
{%- set categories = category_values() -%}

with

source as (

    select * from {{ source('tiktok', 'videos') }}

),

cleaned as (

    select
        *,
        {%- for column in categories %}
        lower({{ missing_to_null(column) }}) as {{ column }}_clean,
        {%- endfor %}
        {%- for column in counts %}
        {{ missing_to_null(column) }} as {{ column }}_clean,
        try_cast({{ missing_to_null(column) }} as double) as {{ column }}_num,
        {%- endfor %}
        {{ missing_to_null('row_id') }} as row_id_clean,
        {{ missing_to_null('video_id') }} as video_id_clean,
        try_cast({{ missing_to_null('video_id') }} as double) as video_id_num,
        {{ missing_to_null('video_transcription_text') }} as transcription_clean

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
                then 'non-numeric video_id'
            {% for column in counts %}
            when
                {{ column }}_clean is not null
                and ({{ column }}_num is null or not isfinite({{ column }}_num))
                then 'non-numeric {{ column }}'
            when {{ column }}_num < 0 then 'negative {{ column }}'
            when {{ column }}_num != floor({{ column }}_num) then 'non-integer {{ column }}'
            {% endfor %}
            when claim_status_clean not in ({{ sql_list(categories.claim_status) }})
                then 'unknown claim_status'
            {% for column in ['verified_status', 'author_ban_status'] %}
            when
                {{ column }}_clean is null
                or {{ column }}_clean not in ({{ sql_list(categories[column]) }})
                then 'unknown {{ column }}'
            {% endfor %}
        end as row_defect

    from cleaned

),

deduplicated as (

    select
        *,
        case
            when row_defect is not null then row_defect
            when row_number() over (
                partition by row_defect is null, video_id_num
                order by source_row_number
            ) > 1 then 'duplicate video_id'
        end as rejection_reason

    from checked

),

final as (

    select
        -- provenance
        source_row_number,
        rejection_reason,

        -- raw values as read (text), kept for the quarantine
        row_id as raw_row_id,
        video_id as raw_video_id,
        claim_status as raw_claim_status,
        video_duration_sec as raw_video_duration_sec,
        video_transcription_text as raw_video_transcription_text,
        verified_status as raw_verified_status,
        author_ban_status as raw_author_ban_status,
        {%- for column in count_columns() %}
        {{ column }} as raw_{{ column }},
        {%- endfor %}

        -- typed values (meaningful when rejection_reason is null)
        {%- for column in count_columns() %}
        try_cast({{ column }}_num as bigint) as {{ column }},
        {%- endfor %}
        coalesce(try_cast(row_id_clean as bigint), source_row_number) as row_id,
        try_cast(video_id_num as bigint) as video_id,
        claim_status_clean as claim_status,
        try_cast(video_duration_sec_num as integer) as video_duration_sec,
        transcription_clean as video_transcription_text,
        verified_status_clean as verified_status,
        author_ban_status_clean as author_ban_status

    from deduplicated

)

select * from final

{{ config(materialized='table') }}
{#- One pass over the source: type every value and record why a row can't be trusted.
    Materialised so the staging views split it without re-validating. Raw text stays in
    the source table; stg_tiktok__videos_rejected joins it back for the few rejected rows. -#}
{%- set counts = ['video_duration_sec'] + count_columns() -%}
{%- set categories = category_values() -%}

with

source as (

    select * from {{ source('tiktok', 'videos') }}

),

cleaned as (

    select
        source_row_number,
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

final as (

    select
        -- provenance
        checked.source_row_number,
        coalesce(
            checked.row_defect,
            case
                when checked.source_row_number > first_seen.first_row_number
                    then 'duplicate video_id'
            end
        ) as rejection_reason,

        -- typed values (meaningful when rejection_reason is null)
        coalesce(
            try_cast(try_cast(checked.row_id_clean as double) as bigint),
            checked.source_row_number
        ) as row_id,
        checked.video_id,
        checked.claim_status,
        try_cast(checked.video_duration_sec_num as integer) as video_duration_sec,
        {%- for column in count_columns() %}
        try_cast(checked.{{ column }}_num as bigint) as {{ column }},
        {%- endfor %}
        checked.video_transcription_text,
        checked.verified_status,
        checked.author_ban_status

    from checked
    left join first_seen on checked.video_id = first_seen.video_id

)

select * from final

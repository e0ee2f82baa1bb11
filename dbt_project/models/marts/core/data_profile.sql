-- One row per source column, profiled over the staged (typed, valid) rows. Numeric
-- figures (min .. quartiles) are NULL for text columns. Quartiles interpolate linearly.
{#- (source header, staged column, staged type, relevant to modelling, why) -#}
{%- set columns = [
    ('#', 'row_id', 'bigint', false,
        'identifier: the row number in the file, says nothing about the video'),
    ('claim_status', 'claim_status', 'varchar', true,
        'the label the claim classifier learns; NULL = unlabeled'),
    ('video_id', 'video_id', 'bigint', false, 'identifier: a random id, says nothing about the video'),
    ('video_duration_sec', 'video_duration_sec', 'integer', true, 'video attribute: candidate feature'),
    ('video_transcription_text', 'video_transcription_text', 'varchar', true,
        'what the video says: source of text features (words, length)'),
    ('verified_status', 'verified_status', 'varchar', true,
        'author attribute: candidate feature and the verified-status regression target'),
    ('author_ban_status', 'author_ban_status', 'varchar', true, 'author attribute: candidate feature'),
] -%}
{%- for count in count_columns() -%}
{%- do columns.append((count, count, 'bigint', true, 'engagement count: candidate feature')) -%}
{%- endfor -%}
{%- set numeric = ['bigint', 'integer'] %}

with

videos as (

    select * from {{ ref('stg_tiktok__videos') }}

),

profiled as (
    {% for source_name, column, data_type, relevant, reason in columns %}
    select
        {{ loop.index }} as column_position,
        '{{ source_name }}' as column_name,
        '{{ column }}' as staged_column,
        '{{ data_type }}' as data_type,
        {{ data_type in numeric }} as is_numeric,
        count(*) as row_count,
        count({{ column }}) as non_null_count,
        count(*) - count({{ column }}) as null_count,
        count(distinct {{ column }}) as distinct_count,
        {%- if data_type in numeric %}
        cast(min({{ column }}) as double) as min_value,
        cast(max({{ column }}) as double) as max_value,
        avg(cast({{ column }} as double)) as mean_value,
        stddev_samp(cast({{ column }} as double)) as stddev_value,
        percentile_cont(0.25) within group (order by {{ column }}) as q1_value,
        percentile_cont(0.5) within group (order by {{ column }}) as median_value,
        percentile_cont(0.75) within group (order by {{ column }}) as q3_value,
        {%- else %}
        cast(null as double) as min_value,
        cast(null as double) as max_value,
        cast(null as double) as mean_value,
        cast(null as double) as stddev_value,
        cast(null as double) as q1_value,
        cast(null as double) as median_value,
        cast(null as double) as q3_value,
        {%- endif %}
        {{ relevant }} as relevant_to_modelling,
        '{{ reason }}' as relevance_reason

    from videos
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (

    select
        cast(column_position as integer) as column_position,
        column_name,
        staged_column,
        data_type,
        is_numeric,
        cast(row_count as bigint) as row_count,
        cast(non_null_count as bigint) as non_null_count,
        cast(null_count as bigint) as null_count,
        cast(distinct_count as bigint) as distinct_count,
        min_value,
        max_value,
        mean_value,
        stddev_value,
        cast(q1_value as double) as q1_value,
        cast(median_value as double) as median_value,
        cast(q3_value as double) as q3_value,
        relevant_to_modelling,
        relevance_reason

    from profiled

)

select * from final

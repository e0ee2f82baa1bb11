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

-- every figure of every column in ONE scan of the staged rows (a scan per column costs 12x)
figures as (

    select
        {%- for source_name, column, data_type, relevant, reason in columns %}
        count({{ column }}) as {{ column }}__non_null,
        {%- if data_type in numeric %}
        cast(min({{ column }}) as double) as {{ column }}__min,
        cast(max({{ column }}) as double) as {{ column }}__max,
        avg(cast({{ column }} as double)) as {{ column }}__mean,
        stddev_samp(cast({{ column }} as double)) as {{ column }}__stddev,
        {%- endif %}
        {%- endfor %}
        count(*) as row_count

    from videos

),

-- distinct values by grouping, which spills to disk: count(distinct) of 10M ids and
-- transcriptions inside the aggregate above ran out of memory under the 2 GB limit
distinct_figures as (

    select
        {%- for source_name, column, data_type, relevant, reason in columns %}
        (
            select count(*)
            from (
                select {{ column }}
                from videos
                where {{ column }} is not null
                group by {{ column }}
            ) as distinct_values
        ) as {{ column }}__distinct,
        {%- endfor %}
        1 as one_row

),

-- quartiles one column at a time: they hold every value, and eight at once ran out of memory
-- at 10M rows under the 2 GB limit
{%- for source_name, column, data_type, relevant, reason in columns if data_type in numeric %}
{{ column }}__quartiles as (

    select
        percentile_cont(0.25) within group (order by {{ column }}) as {{ column }}__q1,
        percentile_cont(0.5) within group (order by {{ column }}) as {{ column }}__median,
        percentile_cont(0.75) within group (order by {{ column }}) as {{ column }}__q3
    from videos

),
{%- endfor %}

profiled as (
    {% for source_name, column, data_type, relevant, reason in columns %}
    select
        {{ loop.index }} as column_position,
        '{{ source_name }}' as column_name,
        '{{ column }}' as staged_column,
        '{{ data_type }}' as data_type,
        {{ data_type in numeric }} as is_numeric,
        figures.row_count,
        figures.{{ column }}__non_null as non_null_count,
        figures.row_count - figures.{{ column }}__non_null as null_count,
        distinct_figures.{{ column }}__distinct as distinct_count,
        {%- for figure in ['min', 'max', 'mean', 'stddev', 'q1', 'median', 'q3'] %}
        {%- if data_type in numeric %}
        {%- set cte = 'figures' if figure in ['min', 'max', 'mean', 'stddev']
            else column ~ '__quartiles' %}
        {{ cte }}.{{ column }}__{{ figure }} as {{ figure }}_value,
        {%- else %}
        cast(null as double) as {{ figure }}_value,
        {%- endif %}
        {%- endfor %}
        {{ relevant }} as relevant_to_modelling,
        '{{ reason }}' as relevance_reason

    from figures
    cross join distinct_figures
    {%- if data_type in numeric %}
    cross join {{ column }}__quartiles
    {%- endif %}
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

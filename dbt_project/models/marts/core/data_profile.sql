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
{%- set numeric_columns = columns | selectattr(2, 'in', numeric) | map(attribute=1) | list %}
{%- set text_columns = columns | rejectattr(2, 'in', numeric) | map(attribute=1) | list %}
{#- read directly, not through an import CTE: DuckDB materializes a CTE read more than once,
    and a copy of every staged row (transcriptions too) ran out of memory at 10M rows -#}
{%- set videos = ref('stg_tiktok__videos') %}

with

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

    from {{ videos }}

),

-- exact quartiles and distinct counts, a branch per column, so each aggregate holds one
-- column's values: 6 s at 10M rows, where value counts with running totals took 30 s
column_figures as (
    {% for column in numeric_columns %}
    select
        staged_column,
        {%- for figure in ['q1', 'median', 'q3'] %}
        {{ list_item('quartiles', loop.index) }} as {{ figure }}_value,
        {%- endfor %}
        distinct_count
    from (
        select
            '{{ column }}' as staged_column,
            {{ percentiles(column, [0.25, 0.5, 0.75]) }} as quartiles,
            count(distinct {{ column }}) as distinct_count
        from {{ videos }}
    ) as figured
    union all
    {% endfor %}
    {%- for column in text_columns %}
    select
        '{{ column }}' as staged_column,
        cast(null as double) as q1_value,
        cast(null as double) as median_value,
        cast(null as double) as q3_value,
        count(distinct {{ column }}) as distinct_count
    from {{ videos }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

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
        {%- for figure in ['min', 'max', 'mean', 'stddev'] %}
        {%- if data_type in numeric %}
        figures.{{ column }}__{{ figure }} as {{ figure }}_value,
        {%- else %}
        cast(null as double) as {{ figure }}_value,
        {%- endif %}
        {%- endfor %}
        {{ relevant }} as relevant_to_modelling,
        '{{ reason }}' as relevance_reason

    from figures
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (

    select
        cast(profiled.column_position as integer) as column_position,
        profiled.column_name,
        profiled.staged_column,
        profiled.data_type,
        profiled.is_numeric,
        cast(profiled.row_count as bigint) as row_count,
        cast(profiled.non_null_count as bigint) as non_null_count,
        cast(profiled.null_count as bigint) as null_count,
        -- a column with no values has no value counts
        cast(coalesce(column_figures.distinct_count, 0) as bigint) as distinct_count,
        profiled.min_value,
        profiled.max_value,
        profiled.mean_value,
        profiled.stddev_value,
        cast(column_figures.q1_value as double) as q1_value,
        cast(column_figures.median_value as double) as median_value,
        cast(column_figures.q3_value as double) as q3_value,
        profiled.relevant_to_modelling,
        profiled.relevance_reason

    from profiled
    left join column_figures on profiled.staged_column = column_figures.staged_column

)

select * from final

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

-- the rest by grouping and sorting, which spill to disk: count(distinct) and percentile_cont
-- hold every value in memory and ran out under the 2 GB limit at 10M rows, even one column
-- at a time. So: one long (column, value) list, its value counts, and running totals.
numeric_values as (
    {% for column in numeric_columns %}
    select
        '{{ column }}' as staged_column,
        cast({{ column }} as bigint) as staged_value
    from {{ videos }}
    where {{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

text_values as (
    {% for column in text_columns %}
    select
        '{{ column }}' as staged_column,
        {{ column }} as staged_value
    from {{ videos }}
    where {{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

value_counts as (

    select
        staged_column,
        staged_value,
        count(*) as frequency
    from numeric_values
    group by staged_column, staged_value

),

-- rows_through: how many values sort at or before this one
running_counts as (

    select
        staged_column,
        staged_value,
        sum(frequency) over (
            partition by staged_column order by staged_value
            rows between unbounded preceding and current row
        ) as rows_through,
        sum(frequency) over (partition by staged_column) as value_count
    from value_counts

),

-- quartile p interpolates linearly between the values at 0-based positions floor(h) and
-- ceil(h), h = p * (n - 1), as percentile_cont does; the value at position k is the first
-- whose rows_through exceeds k
numeric_figures as (

    select
        staged_column,
        {%- for figure, p in [('q1', 0.25), ('median', 0.5), ('q3', 0.75)] %}
        {%- set h = p ~ ' * (value_count - 1)' %}
        min(case when rows_through > floor({{ h }}) then staged_value end) as {{ figure }}_low,
        min(case when rows_through > ceil({{ h }}) then staged_value end) as {{ figure }}_high,
        max({{ h }} - floor({{ h }})) as {{ figure }}_fraction,
        {%- endfor %}
        count(*) as distinct_count
    from running_counts
    group by staged_column

),

text_figures as (

    select
        staged_column,
        count(*) as distinct_count
    from (
        select
            staged_column,
            staged_value
        from text_values
        group by staged_column, staged_value
    ) as distinct_values
    group by staged_column

),

column_figures as (

    select
        staged_column,
        {%- for figure in ['q1', 'median', 'q3'] %}
        {{ figure }}_low + {{ figure }}_fraction * ({{ figure }}_high - {{ figure }}_low)
            as {{ figure }}_value,
        {%- endfor %}
        distinct_count
    from numeric_figures

    union all

    select
        staged_column,
        cast(null as double) as q1_value,
        cast(null as double) as median_value,
        cast(null as double) as q3_value,
        distinct_count
    from text_figures

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

{#- What the spark target (dbt-spark) needs to give the same answers as DuckDB. The spark__
    macros override dbt's or dbt-spark's through adapter.dispatch (the root project comes
    first; dbt-databricks falls back to them too). -#}

{#- Spark SQL: dbt-spark, or dbt-databricks running the same project. -#}
{% macro is_spark() -%}
    {{ return(target.type in ['spark', 'databricks']) }}
{%- endmacro %}

{#- A value as a Spark SQL literal: Spark string literals unescape backslashes, and quotes
    are escaped with one; NULL stays NULL. -#}
{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{#- A text value as a string literal of the target's SQL. -#}
{% macro text_literal(value) -%}
    {%- if is_spark() -%}
        {{ spark_literal(value) }}
    {%- else -%}
        '{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}

{#- dbt-spark's session seed loader binds values into the SQL text as '{value}': a quote
    breaks the statement and an empty cell becomes the string 'None'. Same batches and
    casts, with literals escaped and empty cells NULL. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {%- for row in chunk %}
            ({% for value in row -%}
                cast({{ spark_literal(value) }} as {{ types[loop.index0] }}){{ ', ' if not loop.last }}
            {%- endfor %}){{ ',' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{#- Contracts declare `varchar`, which Spark refuses without a length; its text type is string. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ 'string' if type | lower == 'varchar' else type }})
{%- endmacro %}

{#- dbt's safe_cast is a plain cast on DuckDB (an error on bad input) and on Spark (NULL,
    since dbt-spark turns ANSI mode off): try_cast on both, NULL on bad input. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ 'string' if type | lower == 'varchar' else type }})
{%- endmacro %}

{#- A regular expression as a string literal: Spark unescapes backslashes in literals
    ('\S' would reach the regex as 'S'), DuckDB does not. -#}
{% macro regex_literal(pattern) -%}
    {%- if is_spark() -%}
        '{{ pattern | replace('\\', '\\\\') }}'
    {%- else -%}
        '{{ pattern }}'
    {%- endif -%}
{%- endmacro %}

{#- Number of elements of an array, NULL for NULL (Spark's size() gives -1 with ANSI off). -#}
{% macro array_size(array) -%}
    {{ 'array_size' if is_spark() else 'array_length' }}({{ array }})
{%- endmacro %}

{#- Incremental models of the daily batches: on Spark dbt-spark has no merge on Parquet, so a
    batch's partition is overwritten (insert_overwrite, partitioned by batch_id). Use as
    {{ config(batch_incremental(unique_key=..., incremental_strategy=...)) }}: the keyword
    arguments are the DuckDB settings; the spark target replaces them. -#}
{% macro batch_incremental() -%}
    {%- if is_spark() -%}
        {{ return({
            'materialized': 'incremental',
            'incremental_strategy': 'insert_overwrite',
            'partition_by': ['batch_id'],
            'file_format': 'parquet',
        }) }}
    {%- endif -%}
    {%- set settings = {'materialized': 'incremental'} -%}
    {%- do settings.update(kwargs) -%}
    {{ return(settings) }}
{%- endmacro %}

{#- Models kept up to date by rows, not by batch (the decisions, the videos): incremental on
    DuckDB with the given settings; on Spark a table that each run recomputes (dbt-spark has
    no delete+insert on Parquet). -#}
{% macro row_incremental() -%}
    {%- if is_spark() -%}
        {{ return({'materialized': 'table'}) }}
    {%- endif -%}
    {%- set settings = {'materialized': 'incremental', 'on_schema_change': 'fail'} -%}
    {%- do settings.update(kwargs) -%}
    {{ return(settings) }}
{%- endmacro %}

{#- Exact percentiles of `column` (fractions in [0, 1]), interpolated linearly as pandas'
    quantile: one array, read with list_item. -#}
{% macro percentiles(column, fractions) -%}
    {%- if is_spark() -%}
        percentile({{ column }}, array({{ fractions | join(', ') }}))
    {%- else -%}
        quantile_cont({{ column }}, [{{ fractions | join(', ') }}])
    {%- endif -%}
{%- endmacro %}

{#- Element `position` (1 = first) of an array: Spark indexes from 0, DuckDB from 1. -#}
{% macro list_item(array, position) -%}
    {{ array }}[{{ position - 1 if is_spark() else position }}]
{%- endmacro %}

{#- The raw file's header, checked in Python (tiktok_claims.ingest.inspect, a DuckDB function
    the project's plugin registers): a file that is not a claims table stops the build here
    with one sentence naming it; an extra column is a warning in the build output. For a CSV
    it sets the column list that the source's read_csv call reads (getvariable). Returns
    {'format': 'csv' | 'parquet', 'select_list': [(expression, staged name), ...]}. -#}
{% macro claims_header(warn=true) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {%- set names = ['row_id'] + stage_column_list('raw').split(',')[1:] -%}
        {{ return({'format': 'csv', 'select_list': zip(names, names) | list}) }}
    {%- endif -%}
    {%- if is_spark() -%}
        {{ return(claims_header_spark(warn)) }}
    {%- endif -%}
    {%- set header = duckdb_file_header(claims_dataset()) -%}
    {%- if header['error'] -%}
        {{ exceptions.raise_compiler_error(header['error']) }}
    {%- endif -%}
    {%- if header['warning'] and warn -%}
        {{ exceptions.warn(header['warning']) }}
    {%- endif -%}
    {%- if header['format'] == 'csv' -%}
        {%- do run_query('set variable tiktok_claims_columns = ' ~ header['columns']) -%}
    {%- endif -%}
    {{ return({'format': header['format'], 'select_list': header['select_list']}) }}
{%- endmacro %}

{#- The header check of one file on DuckDB (tiktok_claims.ingest.header_for_sql, a function the
    project's plugin registers): {error, format, columns, warning, select_list}. -#}
{% macro duckdb_file_header(path) -%}
    {#- lists as newline-joined text: agate turns a list into its repr -#}
    {%- set row = run_query(
        "select h.error, h.format, h.columns, h.warning,"
        ~ " array_to_string(h.expressions, chr(10)) as expressions,"
        ~ " array_to_string(h.names, chr(10)) as names"
        ~ " from (select tiktok_claims_header('" ~ path | replace("'", "''") ~ "') as h)"
    ).rows[0] -%}
    {{ return({
        'error': row['error'],
        'format': row['format'],
        'columns': row['columns'],
        'warning': row['warning'],
        'select_list': zip(row['expressions'].split('\n'), row['names'].split('\n')) | list,
    }) }}
{%- endmacro %}

{#- On Spark no Python runs inside dbt, so the same check (tiktok_claims.ingest.inspect) runs
    just before, `tiktok-claims header`, and comes in as the var claims_header.
    The source becomes a global temporary view over the file, its columns named as the header
    check says (the same positional mapping as DuckDB's read_csv `columns`). -#}
{% macro claims_header_spark(warn=true) -%}
    {%- set path = claims_dataset() -%}
    {%- set header = var('claims_header', none) -%}
    {%- if header is none or header['path'] != path -%}
        {{ exceptions.raise_compiler_error(
            'On the spark target the header of ' ~ path ~ ' is checked before dbt runs: '
            ~ 'dbt build --target spark --vars "$(tiktok-claims header)" '
            ~ '(make build-spark does this).') }}
    {%- endif -%}
    {%- if header['error'] -%}
        {{ exceptions.raise_compiler_error(header['error']) }}
    {%- endif -%}
    {%- if header['warning'] and warn -%}
        {{ exceptions.warn(header['warning']) }}
    {%- endif -%}
    {%- set table = 'videos' if header['format'] == 'csv' else 'videos_parquet' -%}
    {{ return({
        'format': header['format'],
        'select_list': zip(header['expressions'], header['names']) | list,
        'corrupt_column': spark_file_view(table, header),
    }) }}
{%- endmacro %}

{#- On Spark: a global temporary view `view` over the file a header check (`header`, from
    tiktok_claims.ingest.spark_header) describes, its columns named as the check says (the
    same positional mapping as DuckDB's read_csv `columns`), a CSV read with the tiktok
    source's spark_options. Returns the corrupt-record column (none for Parquet). -#}
{% macro spark_file_view(view, header) -%}
    {%- set spark_options = graph.sources['source.' ~ project_name ~ '.tiktok.videos'].meta['spark_options'] -%}
    {%- set corrupt = spark_options['columnNameOfCorruptRecord'] if header['format'] == 'csv' else none -%}
    {%- set options = {'path': header['path']} -%}
    {%- set columns = [] -%}
    {%- if corrupt -%}
        {%- do options.update(spark_options) -%}
        {%- for name in header['file_columns'] + [corrupt] -%}
            {%- do columns.append('`' ~ name ~ '` string') -%}
        {%- endfor -%}
    {%- endif -%}
    {%- call statement('spark_file_view') -%}
        create or replace global temporary view {{ view }}
        {% if columns %}({{ columns | join(', ') }}){% endif %}
        using {{ header['format'] }}
        options (
            {%- for key, value in options.items() %}
            `{{ key }}` {{ spark_literal(value) }}{{ ',' if not loop.last }}
            {%- endfor %}
        )
    {%- endcall -%}
    {{ return(corrupt) }}
{%- endmacro %}

{#- The post-hook of base_tiktok__videos on DuckDB: stage_videos_after_write, as
    tiktok_claims.ingest.stage_file runs it. On Spark the select does it all. -#}
{% macro claims_after_write(base) -%}
    {%- if execute and not is_spark() -%}
        {%- set csv = claims_header(warn=false)['format'] == 'csv' -%}
        {{ stage_videos_after_write(base, claims_dataset() | replace("'", "''") if csv else none) }}
    {%- endif -%}
{%- endmacro %}

{#- The raw file (CSV or Parquet): CLAIMS_DATASET, else the bundled sample (as in the source). -#}
{% macro claims_dataset() -%}
    {{ return(env_var('CLAIMS_DATASET', var('default_dataset'))) }}
{%- endmacro %}

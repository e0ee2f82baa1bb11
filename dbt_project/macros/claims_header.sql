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
    {%- set path = claims_dataset() | replace("'", "''") -%}
    {#- lists as newline-joined text: agate turns a list into its repr -#}
    {%- set header = run_query(
        "select h.error, h.format, h.columns, h.warning,"
        ~ " array_to_string(h.expressions, chr(10)) as expressions,"
        ~ " array_to_string(h.names, chr(10)) as names"
        ~ " from (select tiktok_claims_header('" ~ path ~ "') as h)"
    ).rows[0] -%}
    {%- if header['error'] -%}
        {{ exceptions.raise_compiler_error(header['error']) }}
    {%- endif -%}
    {%- if header['warning'] and warn -%}
        {{ exceptions.warn(header['warning']) }}
    {%- endif -%}
    {%- if header['format'] == 'csv' -%}
        {%- do run_query('set variable tiktok_claims_columns = ' ~ header['columns']) -%}
    {%- endif -%}
    {{ return({
        'format': header['format'],
        'select_list': zip(header['expressions'].split('\n'), header['names'].split('\n')) | list,
    }) }}
{%- endmacro %}

{#- The post-hook of base_tiktok__videos: structural rejects of a CSV scan (none for Parquet). -#}
{% macro claims_structural_rejects(base) -%}
    {%- if execute and claims_header(warn=false)['format'] == 'csv' -%}
        {{ stage_videos_structural(base, claims_dataset() | replace("'", "''")) }}
    {%- endif -%}
{%- endmacro %}

{#- The raw file (CSV or Parquet): CLAIMS_DATASET, else the bundled sample (as in the source). -#}
{% macro claims_dataset() -%}
    {{ return(env_var('CLAIMS_DATASET', var('default_dataset'))) }}
{%- endmacro %}

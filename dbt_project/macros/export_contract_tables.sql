{#-
    on-run-end: write the Tableau extracts and Parquet files of every model in the marts,
    stats and ml schemas (tiktok_claims.export). Only after a `dbt build` in which nothing
    failed, so a half-failed build never reaches Tableau. The Python side runs as a DuckDB
    function registered by the project's dbt plugin; its errors fail the build.
-#}
{% macro export_contract_tables(results) -%}
    {#- `--empty` builds hold no rows: never let them replace real exports -#}
    {%- if not execute or flags.WHICH != 'build' or flags.EMPTY -%}
        {{ return('') }}
    {%- endif -%}
    {%- set failed = [] -%}
    {%- for result in results
        if result.status in ['error', 'fail', 'skipped', 'runtime error'] -%}
        {%- do failed.append(result.node.name) -%}
    {%- endfor -%}
    {%- if failed -%}
        {{ log('exports skipped: the build failed at ' ~ failed | join(', '), info=true) }}
        {{ return('') }}
    {%- endif -%}

    {%- set models = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.schema in ['marts', 'stats', 'ml']
        and node.config.materialized != 'ephemeral' -%}
        {%- set columns = {} -%}
        {%- for name, column in node.columns.items() -%}
            {%- do columns.update({name: {
                'description': column.description,
                'data_type': column.data_type,
            }}) -%}
        {%- endfor -%}
        {%- do models.append({
            'schema': node.schema,
            'name': node.alias or node.name,
            'description': node.description,
            'meta': node.config.meta,
            'language': node.language,
            'contract': node.config.contract.enforced,
            'columns': columns,
        }) -%}
    {%- endfor -%}
    select tiktok_claims_export('{{ tojson(models) | replace("'", "''") }}')
{%- endmacro %}

{#-
    on-run-end: after a `dbt build` in which nothing failed, write the Tableau extracts and
    Parquet files of every marts/stats/ml model as one new release (tiktok_claims.export).
    The hook passes only where dbt wrote this run's manifest.json; the exporter, a function
    the project's dbt plugin registers, reads the model docs there. Its errors fail the build.
-#}
{% macro export_release(results) -%}
    {#- `--empty` builds hold no rows: never let them replace real exports -#}
    {#- the exporter is a DuckDB function; other targets (spark) have no exports -#}
    {%- if not execute or flags.WHICH != 'build' or flags.EMPTY or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set failed = results | selectattr(
        'status', 'in', ['error', 'fail', 'skipped', 'runtime error']) | list -%}
    {%- if failed -%}
        {{ log('exports skipped: ' ~ failed | length ~ ' of ' ~ results | length
            ~ ' nodes failed or were skipped; the previous exports stay', info=true) }}
        {{ return('') }}
    {%- endif -%}
    select tiktok_claims_export('{{ flags.TARGET_PATH or "target" }}')
{%- endmacro %}

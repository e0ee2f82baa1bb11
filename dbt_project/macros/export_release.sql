{#-
    on-run-end: the blue/green release. dbt wrote into the build's own warehouse file, a copy
    of the last good one (the project's plugin prepared it; tiktok_claims.export.release).
    When nothing failed: checkpoint and close the build's warehouse (no .wal left), write the
    Tableau extracts and Parquet files of every marts/stats/ml model into the build's release
    folder while the figures and summaries are drawn, and make the folder current with one
    symlink flip. That is one function the plugin registers; its errors fail the build, and a
    failed build releases nothing: users keep reading the last good set.
-#}
{% macro export_release(results) -%}
    {#- DuckDB only (the exporter is a DuckDB function); the commands that write (as
        WRITING_COMMANDS in tiktok_claims.dbt_plugin); `--empty` builds hold no rows: never
        let them replace real data -#}
    {%- if not execute or flags.WHICH not in ['build', 'run', 'seed', 'snapshot']
        or flags.EMPTY or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set failed = results | selectattr(
        'status', 'in', ['error', 'fail', 'skipped', 'runtime error']) | list -%}
    {%- if failed -%}
        {{ log('not released: ' ~ failed | length ~ ' of ' ~ results | length
            ~ ' nodes failed or were skipped; users keep the last good warehouse and exports',
            info=true) }}
        {{ return('') }}
    {%- endif -%}
    checkpoint {{ target.database }};
    use memory;
    detach {{ target.database }};
    select tiktok_claims_release('{{ flags.TARGET_PATH or "target" }}')
{%- endmacro %}

{#-
    Every table and view carries the run that wrote it, in its comment ('run <invocation_id>',
    as in marts.build_info.run_id): a column would make two builds of the same input differ.
    Read it with `select schema_name, table_name, comment from duckdb_tables()`.
-#}
{% macro stamp_run() -%}
{%- if target.type == 'duckdb' and model.config.materialized != 'ephemeral' -%}
comment on {{ 'view' if model.config.materialized == 'view' else 'table' }} {{ this }}
is 'run {{ invocation_id }}'
{%- endif -%}
{%- endmacro %}

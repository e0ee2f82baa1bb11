{#- Fails on every row with a NULL in a column the model's contract constrains `not_null`.
    DuckDB enforces those constraints as the table is built; dbt-spark does not on Parquet
    tables, so on the spark target the same check runs as this data test. -#}
{% test not_null_constraints(model) %}
{{ config(enabled=target.type == 'spark') }}
{%- set columns = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == model.identifier
            and node.schema == model.schema -%}
        {%- for column in node.columns.values()
            if column.constraints | selectattr('type', 'eq', 'not_null') | list -%}
            {%- do columns.append(column.name) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}

select *
from {{ model }}
where
    {%- for column in columns %}
    {{ column }} is null{{ ' or' if not loop.last }}
    {%- else %}
    1 = 0
    {%- endfor %}

{% endtest %}

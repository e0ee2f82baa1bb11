{#- Fails on every row with a NULL in a column the model's YAML constrains `not_null`.
    DuckDB enforces those constraints as a contracted table is built; it does not on views,
    Python models (which take no contract) or dbt-spark's Parquet tables. There this one
    query per model checks them all (enabled per model, and on the spark target), instead of
    a not_null test per column. -#}
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

{#- Fails with a row per broken constraint that the model's YAML declares on a column: a NULL
    in a `not_null` column, a row outside a `check` expression, a repeated value of a `unique`
    column. DuckDB enforces them as a contracted table is built; it does not on views, Python
    models (which take no contract) or dbt-spark's Parquet tables. There this one query per
    model checks them all (enabled per model, and on the spark target), instead of a
    not_null, accepted_values or unique test per column: every test node costs the build
    dbt's own Python, and a model's tests hold back the models after it. -#}
{% test declared_constraints(model) %}
{{ config(enabled=target.type == 'spark') }}
{%- set failures = [] -%}  {#- (condition, problem) pairs, checked in one scan -#}
{%- set unique = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == model.identifier
            and node.schema == model.schema -%}
        {%- for column in node.columns.values() -%}
            {%- for constraint in column.constraints -%}
                {%- if constraint.type == 'not_null' -%}
                    {%- do failures.append((column.name ~ ' is null', column.name ~ ' is null')) -%}
                {%- elif constraint.type == 'check' -%}
                    {%- do failures.append(
                        ('not (' ~ constraint.expression ~ ')', column.name ~ ' fails its check')
                    ) -%}
                {%- elif constraint.type == 'unique' -%}
                    {%- do unique.append(column.name) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}

select
    {%- if failures %}
    case
        {%- for condition, problem in failures %}
        when {{ condition }} then '{{ problem }}'
        {%- endfor %}
    end
    {%- else %} 'none'
    {%- endif %} as problem
from {{ model }}
where
    {%- for condition, _ in failures %}
    {{ condition }}{{ ' or' if not loop.last }}
    {%- else %}
    1 = 0
    {%- endfor %}
{%- for column in unique %}

union all

select '{{ column }} repeated' as problem
from {{ model }}
group by {{ column }}
having count(*) > 1
{%- endfor %}

{% endtest %}

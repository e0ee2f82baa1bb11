{#-
    One output table of a Python fit that returns a long table (result_kind says which table
    a row belongs to; none: every row): its rows, each column cast to the data_type the model's YAML declares,
    so the types are written once and the enforced contract checks them.
-#}
{% macro result_of_fit(fit, result_kind=none) -%}
select
    {%- for column in model.columns.values() %}
    cast({{ adapter.quote(column.name) }} as {{ column.data_type }})
    as {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ fit }}
{%- if result_kind is not none %}
where result_kind = '{{ result_kind }}'
{%- endif %}
{%- endmacro %}

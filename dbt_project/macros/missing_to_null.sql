{#- Raw text cell -> NULL when empty or the file's missing marker '#N/A'. -#}
{% macro missing_to_null(column) -%}
    nullif(nullif(trim({{ column }}), ''), '#N/A')
{%- endmacro %}

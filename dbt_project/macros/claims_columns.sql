{#- Column groups shared by staging and the marts, so every model agrees on them
    (the lists themselves live in stage_videos.sql, which also runs outside dbt). -#}
{% macro count_columns() -%}
    {{ return(stage_column_list('counts').split(',')[1:]) }}
{%- endmacro %}

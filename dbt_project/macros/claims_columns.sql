{#- Column groups shared by staging and the marts, so every model agrees on them. -#}
{% macro count_columns() -%}
    {{ return(['video_view_count', 'video_like_count', 'video_share_count',
               'video_download_count', 'video_comment_count']) }}
{%- endmacro %}

{% macro category_values() -%}
    {{ return({
        'claim_status': ['claim', 'opinion'],
        'verified_status': ['verified', 'not verified'],
        'author_ban_status': ['active', 'under review', 'banned'],
    }) }}
{%- endmacro %}

{#- ['a', 'b'] -> 'a', 'b' (for an IN list) -#}
{% macro sql_list(values) -%}
    '{{ values | join("', '") }}'
{%- endmacro %}

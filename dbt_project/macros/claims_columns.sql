{#- Column groups shared by staging and the marts, so every model agrees on them
    (the lists themselves live in stage_videos.sql, which also runs outside dbt). -#}
{% macro count_columns() -%}
    {{ return(stage_column_list('counts').split(',')[1:]) }}
{%- endmacro %}

{#- Derived columns of a staged video, defined once for fct_videos and claim_features. Both
    read staging: the claim model's features need not wait on the core mart and its tests. -#}
{% macro transcription_shape(relation) -%}
    cast(length({{ relation }}.video_transcription_text) as bigint) as transcription_char_count,
    cast({{ word_count(relation ~ '.video_transcription_text') }} as bigint)
        as transcription_word_count
{%- endmacro %}

{% macro per_view_rates(relation) -%}
    {%- for count in ['like', 'comment', 'share', 'download'] %}
    {{ relation }}.video_{{ count }}_count / nullif({{ relation }}.video_view_count, 0)
        as {{ count }}s_per_view{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

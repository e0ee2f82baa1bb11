{#- Words (runs of non-whitespace, as regex \S+) in `text`; NULL for NULL or no word. Texts
    whose only whitespace is single inner spaces (nearly all) are counted by their spaces:
    the regex costs 6 s per 2M transcriptions, the count 1 s; the rest take the regex. -#}
{% macro word_count(text) -%}
    nullif(
        case
            when
                {{ text }} != ''
                and left({{ text }}, 1) != ' '
                and right({{ text }}, 1) != ' '
                and not contains({{ text }}, '  ')
                {%- for code in [9, 10, 11, 12, 13] %}
                and not contains({{ text }}, chr({{ code }}))
                {%- endfor %}
                then length({{ text }}) - length(replace({{ text }}, ' ', '')) + 1
            else {{ array_size("regexp_extract_all(" ~ text ~ ", " ~ regex_literal('(\\S+)') ~ ", 1)") }}
        end,
        0
    )
{%- endmacro %}

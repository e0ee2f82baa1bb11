{#- One query per seed instead of a not_null or unique test per column: in a build every
    seed test runs before staging may start, so each one delays the build. Fails with a row
    per problem: a NULL in a `not_null` column, a value repeated in a `unique` column, or a
    repeated combination of the `unique_together` columns. -#}
{% test reference_keys(model, not_null=[], unique=[], unique_together=[]) %}
{%- set text = dbt.type_string() -%}
{%- set keys = [] -%}
{%- for column in unique %}{% do keys.append([column]) %}{% endfor -%}
{%- if unique_together %}{% do keys.append(unique_together) %}{% endif -%}
{%- set checks = [] -%}
{%- for column in not_null -%}
    {%- do checks.append(
        "select '" ~ column ~ " is null' as problem, cast(null as " ~ text ~ ") as key_value"
        ~ " from " ~ model ~ " where " ~ column ~ " is null"
    ) -%}
{%- endfor -%}
{%- for columns in keys -%}
    {%- set values = [] -%}
    {%- for column in columns %}{% do values.append("cast(" ~ column ~ " as " ~ text ~ ")") %}{% endfor -%}
    {%- do checks.append(
        "select '" ~ columns | join(', ') ~ " repeated' as problem, concat_ws(', ', "
        ~ values | join(', ') ~ ") as key_value from " ~ model
        ~ " group by " ~ columns | join(', ') ~ " having count(*) > 1"
    ) -%}
{%- endfor %}

{{ checks | join('\nunion all\n') }}

{% endtest %}

-- Fails (returns rows) unless stats.hypothesis_tests holds the team's Welch test and a
-- Welch / Mann-Whitney pair for every engagement count, plus both chi-square tests.
{%- set expected = [] %}
{%- for column in count_columns() %}
{%- do expected.extend([column ~ '__welch_t', column ~ '__mann_whitney']) %}
{%- endfor %}
{%- do expected.extend([
    'claim_status_by_verified_status__chi_square',
    'claim_status_by_author_ban_status__chi_square',
]) %}

with

tests as (

    select * from {{ ref('hypothesis_tests') }}

),

expected as (

    {% for test_id in expected -%}
    select '{{ test_id }}' as test_id
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

problems as (

    select expected.test_id || ' is missing' as problem
    from expected
    left join tests on expected.test_id = tests.test_id
    where tests.test_id is null

    union all

    select 'the team''s test uses ' || method as problem
    from tests
    where test_id = 'video_view_count__welch_t' and method not like 'Welch%'

)

select * from problems

{#- Crosstab of claim status (columns) by `row_column` over labeled videos, every cell
    present (zero-filled), with each row's total and shares. -#}
{% macro claim_status_crosstab(row_column) %}
with

videos as (

    select * from {{ ref('fct_videos') }}

),

row_statuses as (

    {{ category_rows(row_column) }}

),

claim_statuses as (

    {{ category_rows('claim_status') }}

),

cells as (

    select
        {{ row_column }},
        claim_status,
        count(*) as videos

    from videos
    where claim_status is not null
    group by {{ row_column }}, claim_status

),

grid as (

    select
        row_statuses.status_order as row_order,
        row_statuses.{{ row_column }},
        claim_statuses.status_order as column_order,
        claim_statuses.claim_status,
        coalesce(cells.videos, 0) as videos

    from row_statuses
    cross join claim_statuses
    left join cells
        on
            row_statuses.{{ row_column }} = cells.{{ row_column }}
            and claim_statuses.claim_status = cells.claim_status

),

final as (

    select
        {{ row_column }},
        claim_status,
        cast(row_order as integer) as row_order,
        cast(column_order as integer) as column_order,
        cast(videos as bigint) as videos,
        cast(sum(videos) over (partition by {{ row_column }}) as bigint) as row_videos,
        cast(videos as double)
        / nullif(sum(videos) over (partition by {{ row_column }}), 0) as row_share

    from grid

)

select * from final
{% endmacro %}

-- Crosstab of claim status by author ban status (labeled videos), with each row's shares.
with

videos as (

    select * from {{ ref('fct_videos') }}

),

row_statuses as (

    {{ category_rows('author_ban_status') }}

),

claim_statuses as (

    {{ category_rows('claim_status') }}

),

cells as (

    select
        author_ban_status,
        claim_status,
        count(*) as videos

    from videos
    where claim_status is not null
    group by author_ban_status, claim_status

),

grid as (

    select
        row_statuses.status_order as row_order,
        row_statuses.author_ban_status,
        claim_statuses.status_order as column_order,
        claim_statuses.claim_status,
        coalesce(cells.videos, 0) as videos

    from row_statuses
    cross join claim_statuses
    left join cells
        on
            row_statuses.author_ban_status = cells.author_ban_status
            and claim_statuses.claim_status = cells.claim_status

),

final as (

    select
        author_ban_status,
        claim_status,
        cast(row_order as integer) as row_order,
        cast(column_order as integer) as column_order,
        cast(videos as bigint) as videos,
        cast(sum(videos) over (partition by author_ban_status) as bigint) as row_videos,
        cast(videos as double)
        / nullif(sum(videos) over (partition by author_ban_status), 0) as row_share

    from grid

)

select * from final

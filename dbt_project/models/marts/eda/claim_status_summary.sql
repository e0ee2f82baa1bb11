-- Claim, opinion and unlabeled video counts, with shares of the labeled and of all videos.
with

videos as (

    select * from {{ ref('fct_videos') }}

),

statuses as (

    {{ category_rows('claim_status') }}
    union all
    select
        3 as status_order,
        'unlabeled' as claim_status

),

counts as (

    select
        coalesce(claim_status, 'unlabeled') as claim_status,
        count(*) as videos

    from videos
    group by coalesce(claim_status, 'unlabeled')

),

totals as (

    select
        count(*) as all_videos,
        count(claim_status) as labeled_videos

    from videos

),

final as (

    select
        cast(statuses.status_order as integer) as status_order,
        statuses.claim_status,
        cast(coalesce(counts.videos, 0) as bigint) as videos,

        -- shares; unlabeled videos have no share of the labeled ones
        case
            when statuses.claim_status != 'unlabeled'
                then cast(coalesce(counts.videos, 0) as double) / nullif(totals.labeled_videos, 0)
        end as share_of_labeled,
        cast(coalesce(counts.videos, 0) as double) / nullif(totals.all_videos, 0) as share_of_all

    from statuses
    cross join totals
    left join counts on statuses.claim_status = counts.claim_status

)

select * from final

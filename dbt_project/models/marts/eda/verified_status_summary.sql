-- Per verified status: videos, claims, opinions and the mean and median views.
with

videos as (

    select * from {{ ref('fct_videos') }}

),

statuses as (

    {{ category_rows('verified_status') }}

),

aggregated as (

    select
        verified_status,
        count(*) as videos,
        count_if(claim_status = 'claim') as claims,
        count_if(claim_status = 'opinion') as opinions,
        count_if(claim_status is null) as unlabeled_videos,
        avg(video_view_count) as mean_views,
        median(video_view_count) as median_views

    from videos
    group by verified_status

),

final as (

    select
        cast(statuses.status_order as integer) as status_order,
        statuses.verified_status,

        -- counts
        cast(coalesce(aggregated.videos, 0) as bigint) as videos,
        cast(coalesce(aggregated.claims, 0) as bigint) as claims,
        cast(coalesce(aggregated.opinions, 0) as bigint) as opinions,
        cast(coalesce(aggregated.unlabeled_videos, 0) as bigint) as unlabeled_videos,
        cast(aggregated.claims as double)
        / nullif(aggregated.claims + aggregated.opinions, 0) as claim_share,

        -- views (NULL counts ignored)
        cast(aggregated.mean_views as double) as mean_views,
        cast(aggregated.median_views as double) as median_views

    from statuses
    left join aggregated on statuses.verified_status = aggregated.verified_status

)

select * from final

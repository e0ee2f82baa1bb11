-- Per author ban status: videos, claims, opinions and median engagement.
with

videos as (

    select * from {{ ref('fct_videos') }}

),

statuses as (

    {{ category_rows('author_ban_status') }}

),

aggregated as (

    select
        author_ban_status,
        count(*) as videos,
        count_if(claim_status = 'claim') as claims,
        count_if(claim_status = 'opinion') as opinions,
        count_if(claim_status is null) as unlabeled_videos,
        median(video_view_count) as median_views,
        median(video_like_count) as median_likes,
        median(video_share_count) as median_shares

    from videos
    group by author_ban_status

),

final as (

    select
        cast(statuses.status_order as integer) as status_order,
        statuses.author_ban_status,

        -- counts
        cast(coalesce(aggregated.videos, 0) as bigint) as videos,
        cast(coalesce(aggregated.claims, 0) as bigint) as claims,
        cast(coalesce(aggregated.opinions, 0) as bigint) as opinions,
        cast(coalesce(aggregated.unlabeled_videos, 0) as bigint) as unlabeled_videos,
        cast(aggregated.claims as double)
        / nullif(aggregated.claims + aggregated.opinions, 0) as claim_share,

        -- median engagement (NULL counts ignored)
        cast(aggregated.median_views as double) as median_views,
        cast(aggregated.median_likes as double) as median_likes,
        cast(aggregated.median_shares as double) as median_shares

    from statuses
    left join aggregated on statuses.author_ban_status = aggregated.author_ban_status

)

select * from final

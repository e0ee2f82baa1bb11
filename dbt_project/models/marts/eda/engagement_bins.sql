-- Per count metric and readable bin: videos, claims and opinions (feeds the stacked bars).
-- Bins are defined once, in macros/engagement_bins.sql; empty bins are kept with zeros.
with

videos as (

    select * from {{ ref('fct_videos') }}

),

engagement as (

    {{ count_metrics_long('videos') }}

),

bins as (

    {{ engagement_bin_rows() }}

),

counts as (

    select
        metric,
        bin_order,
        count(*) as videos,
        count_if(claim_status = 'claim') as claims,
        count_if(claim_status = 'opinion') as opinions,
        count_if(claim_status is null) as unlabeled_videos

    from engagement
    group by metric, bin_order

),

final as (

    select
        -- the bin
        bins.metric,
        bins.metric_label,
        cast(bins.bin_order as integer) as bin_order,
        bins.bin_label,
        bins.lower_bound,
        bins.upper_bound,

        -- videos in it
        cast(coalesce(counts.videos, 0) as bigint) as videos,
        cast(coalesce(counts.claims, 0) as bigint) as claims,
        cast(coalesce(counts.opinions, 0) as bigint) as opinions,
        cast(coalesce(counts.unlabeled_videos, 0) as bigint) as unlabeled_videos,
        cast(counts.claims as double) / nullif(counts.claims + counts.opinions, 0) as claim_share

    from bins
    left join counts
        on
            bins.metric = counts.metric
            and bins.bin_order = counts.bin_order

)

select * from final

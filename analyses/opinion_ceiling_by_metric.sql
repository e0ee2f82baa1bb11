-- Question: for each count metric, what is the highest bin that still holds any opinion video?
with

bins as (

    select * from {{ ref('engagement_bins') }}

),

with_opinions as (

    select
        metric,
        max(bin_order) as top_opinion_bin

    from bins
    where opinions > 0
    group by metric

),

final as (

    select
        bins.metric_label,
        bins.bin_label as highest_bin_with_opinions,
        bins.upper_bound as opinions_stay_below,
        bins.opinions,
        bins.claims

    from bins
    inner join with_opinions
        on
            bins.metric = with_opinions.metric
            and bins.bin_order = with_opinions.top_opinion_bin

)

select * from final
order by metric_label

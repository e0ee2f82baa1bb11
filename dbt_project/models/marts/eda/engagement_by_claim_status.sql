-- Per claim status and count metric: n, mean, median, min, max and total (labeled videos only).
with

videos as (

    select * from {{ ref('fct_videos') }}

),

engagement as (

    {{ count_metrics_long('videos') }}

),

final as (

    select
        claim_status,
        metric,
        metric_label,
        cast(metric_order as integer) as metric_order,

        -- statistics over the non-null values
        cast(count(*) as bigint) as n,
        cast(avg(metric_value) as double) as mean,
        cast(median(metric_value) as double) as median,
        cast(min(metric_value) as bigint) as min_value,
        cast(max(metric_value) as bigint) as max_value,
        cast(sum(metric_value) as bigint) as total

    from engagement
    where claim_status is not null
    group by claim_status, metric, metric_label, metric_order

)

select * from final

-- Per count metric: quartiles (linear interpolation) and two outlier rules with their counts.
with

videos as (

    select * from {{ ref('fct_videos') }}

),

engagement as (

    {{ count_metrics_long('videos') }}

),

quartiles as (

    select
        metric,
        metric_label,
        metric_order,
        count(*) as n,
        avg(metric_value) as mean,
        percentile_cont(0.25) within group (order by metric_value) as q1,
        percentile_cont(0.5) within group (order by metric_value) as median,
        percentile_cont(0.75) within group (order by metric_value) as q3

    from engagement
    group by metric, metric_label, metric_order

),

thresholds as (

    select
        *,
        q3 - q1 as iqr,
        -- the team's earlier rule, then Tukey's fence
        median + 1.5 * (q3 - q1) as median_rule_threshold,
        q3 + 1.5 * (q3 - q1) as tukey_threshold

    from quartiles

),

outlier_counts as (

    select
        thresholds.metric,
        count_if(engagement.metric_value > thresholds.median_rule_threshold)
            as median_rule_outliers,
        count_if(engagement.metric_value > thresholds.tukey_threshold) as tukey_outliers

    from thresholds
    inner join engagement on thresholds.metric = engagement.metric
    group by thresholds.metric

),

final as (

    select
        thresholds.metric,
        thresholds.metric_label,
        cast(thresholds.metric_order as integer) as metric_order,

        -- distribution
        cast(thresholds.n as bigint) as n,
        cast(thresholds.mean as double) as mean,
        cast(thresholds.q1 as double) as q1,
        cast(thresholds.median as double) as median,
        cast(thresholds.q3 as double) as q3,
        cast(thresholds.iqr as double) as iqr,

        -- rule 1: value > median + 1.5 * iqr
        cast(thresholds.median_rule_threshold as double) as median_rule_threshold,
        cast(outlier_counts.median_rule_outliers as bigint) as median_rule_outliers,
        cast(outlier_counts.median_rule_outliers as double)
        / thresholds.n as median_rule_outlier_share,

        -- rule 2 (Tukey): value > q3 + 1.5 * iqr
        cast(thresholds.tukey_threshold as double) as tukey_threshold,
        cast(outlier_counts.tukey_outliers as bigint) as tukey_outliers,
        cast(outlier_counts.tukey_outliers as double) / thresholds.n as tukey_outlier_share

    from thresholds
    inner join outlier_counts on thresholds.metric = outlier_counts.metric

)

select * from final

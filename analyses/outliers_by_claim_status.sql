-- Question: for each count metric, how many Tukey outliers (above q3 + 1.5 x IQR) are claims?
with

videos as (

    select * from {{ ref('fct_videos') }}

),

outliers as (

    select * from {{ ref('engagement_outliers') }}

),

engagement as (

    {{ count_metrics_long('videos') }}

),

final as (

    select
        outliers.metric_order,
        outliers.metric_label,
        outliers.tukey_threshold,
        outliers.tukey_outliers,
        -- count(case ...) is 0, not NULL, when the left join finds no outlier
        count(case when engagement.claim_status = 'claim' then 1 end) as claim_outliers,
        count(case when engagement.claim_status = 'opinion' then 1 end) as opinion_outliers,
        count(
            case when engagement.video_id is not null and engagement.claim_status is null then 1 end
        ) as unlabeled_outliers

    from outliers
    left join engagement
        on
            outliers.metric = engagement.metric
            and outliers.tukey_threshold < engagement.metric_value
    group by
        outliers.metric_order,
        outliers.metric_label,
        outliers.tukey_threshold,
        outliers.tukey_outliers

)

select * from final
order by metric_order

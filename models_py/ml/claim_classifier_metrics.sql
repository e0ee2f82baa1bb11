-- ml.claim_classifier_metrics: the 'metrics' rows of the classifier fit, typed (contract in YAML).
with

fit as (

    select * from {{ ref('claim_classifier_fit') }}
    where result_kind = 'metrics'

),

final as (

    select
        cast(model_name as varchar) as model_name,
        cast(feature_set as varchar) as feature_set,
        cast(variant as varchar) as variant,
        cast(split as varchar) as split,
        cast(is_champion as boolean) as is_champion,
        cast(is_ablation as boolean) as is_ablation,
        cast(n as bigint) as n,
        cast(accuracy as double) as accuracy,
        cast(precision as double) as precision,
        cast(recall as double) as recall,
        cast(f1 as double) as f1,
        cast(roc_auc as double) as roc_auc,
        cast(average_precision as double) as average_precision,
        cast(brier_score as double) as brier_score,
        cast(recall_ci_low as double) as recall_ci_low,
        cast(recall_ci_high as double) as recall_ci_high,
        cast(precision_ci_low as double) as precision_ci_low,
        cast(precision_ci_high as double) as precision_ci_high,
        cast(f1_ci_low as double) as f1_ci_low,
        cast(f1_ci_high as double) as f1_ci_high,
        cast(params as varchar) as params,
        cast(note as varchar) as note

    from fit

)

select * from final

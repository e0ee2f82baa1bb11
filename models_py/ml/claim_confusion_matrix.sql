-- ml.claim_confusion_matrix: the 'confusion_matrix' rows of the classifier fit, typed (contract in YAML).
with

fit as (

    select * from {{ ref('claim_classifier_fit') }}
    where result_kind = 'confusion_matrix'

),

final as (

    select
        cast(model_name as varchar) as model_name,
        cast(feature_set as varchar) as feature_set,
        cast(variant as varchar) as variant,
        cast(split as varchar) as split,
        cast(actual_label as varchar) as actual_label,
        cast(predicted_label as varchar) as predicted_label,
        cast(n as bigint) as n

    from fit

)

select * from final

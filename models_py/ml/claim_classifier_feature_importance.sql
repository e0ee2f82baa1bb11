-- ml.claim_classifier_feature_importance: the 'feature_importance' rows of the classifier fit, typed (contract in YAML).
with

fit as (

    select * from {{ ref('claim_classifier_fit') }}
    where result_kind = 'feature_importance'

),

final as (

    select
        cast(model_name as varchar) as model_name,
        cast(feature as varchar) as feature,
        cast(method as varchar) as method,
        cast(importance as double) as importance,
        cast(importance_std as double) as importance_std,
        cast(importance_rank as bigint) as importance_rank

    from fit

)

select * from final

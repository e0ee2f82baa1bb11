-- ml.claim_classifier_slices: the 'slices' rows of the classifier fit, typed (contract in YAML).
with

fit as (

    select * from {{ ref('claim_classifier_fit') }}
    where result_kind = 'slices'

),

final as (

    select
        cast(model_name as varchar) as model_name,
        cast(slice_by as varchar) as slice_by,
        cast(slice_value as varchar) as slice_value,
        cast(n as bigint) as n,
        cast(claims as bigint) as claims,
        cast(accuracy as double) as accuracy,
        cast(precision as double) as precision,
        cast(recall as double) as recall,
        cast(f1 as double) as f1

    from fit

)

select * from final

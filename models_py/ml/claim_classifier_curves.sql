-- ml.claim_classifier_curves: the 'curves' rows of the classifier fit, typed (contract in YAML).
with

fit as (

    select * from {{ ref('claim_classifier_fit') }}
    where result_kind = 'curves'

),

final as (

    select
        cast(model_name as varchar) as model_name,
        cast(curve as varchar) as curve,
        cast(x as double) as x,
        cast(y as double) as y,
        cast(threshold as double) as threshold,
        cast(bin as bigint) as bin,
        cast(n as bigint) as n

    from fit

)

select * from final

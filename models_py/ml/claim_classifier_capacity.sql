-- ml.claim_classifier_capacity: the 'capacity' rows of the classifier fit, typed (contract in YAML).
with

fit as (

    select * from {{ ref('claim_classifier_fit') }}
    where result_kind = 'capacity'

),

final as (

    select
        cast(model_name as varchar) as model_name,
        cast(daily_capacity as bigint) as daily_capacity,
        cast(queue_share as double) as queue_share,
        cast(test_videos_reviewed as bigint) as test_videos_reviewed,
        cast(claims_found as bigint) as claims_found,
        cast(precision_at_k as double) as precision_at_k,
        cast(recall_at_k as double) as recall_at_k

    from fit

)

select * from final

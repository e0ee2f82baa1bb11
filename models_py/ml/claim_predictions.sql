-- ml.claim_predictions: the 'predictions' rows of the classifier fit, typed (contract in YAML).
with

fit as (

    select * from {{ ref('claim_classifier_fit') }}
    where result_kind = 'predictions'

),

final as (

    select
        cast(video_id as bigint) as video_id,
        cast(split as varchar) as split,
        cast(actual_label as varchar) as actual_label,
        cast(claim_probability as double) as claim_probability,
        cast(predicted_label as varchar) as predicted_label,
        cast(model_name as varchar) as model_name,
        cast(needs_manual_review as boolean) as needs_manual_review,
        cast(manual_review_reason as varchar) as manual_review_reason

    from fit

)

select * from final

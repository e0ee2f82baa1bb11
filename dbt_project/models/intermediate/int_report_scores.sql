{{ config(tags=['daily']) }}
-- The champion's score of every report: the initial file's (ml.claim_predictions, made by
-- the fit) and the inbox batches' (report_scores, by the saved champion).
with

initial_file as (

    select * from {{ ref('claim_predictions') }}

),

inbox as (

    select * from {{ ref('report_scores') }}

),

final as (

    select
        'initial' as batch_id,
        video_id,
        claim_probability,
        predicted_label,
        model_name as model_version,
        needs_manual_review,
        manual_review_reason
    from initial_file

    union all

    select
        batch_id,
        video_id,
        claim_probability,
        predicted_label,
        model_version,
        needs_manual_review,
        manual_review_reason
    from inbox

)

select * from final

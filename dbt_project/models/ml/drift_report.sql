{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='batch_id',
    tags=['daily'],
) }}
-- One row per inbox batch and watched feature: the population stability index (PSI) of the
-- batch against the champion's training rows, over the bins in ml.drift_bins; the batch's
-- predicted-claim share against training; status ok / warn / alert at the thresholds stated
-- in the row (vars psi_warn 0.1, psi_alert 0.25).
with

bins as (

    select * from {{ ref('drift_bins') }}
    {% if is_incremental() -%}
    where batch_id not in (select loaded.batch_id from {{ this }} as loaded)
    {%- endif %}

),

scores as (

    select * from {{ ref('report_scores') }}

),

training_predictions as (

    select * from {{ ref('claim_predictions') }}
    where split = 'train'

),

psi as (

    select
        batch_id,
        feature,
        count(*) as bins,
        cast(sum(batch_rows) as bigint) as batch_rows,
        round(sum(psi_term), 6) as psi

    from bins
    group by batch_id, feature

),

claim_shares as (

    select
        scores.batch_id,
        avg(case when scores.predicted_label = 'claim' then 1.0e0 else 0.0e0 end)
            as predicted_claim_share
    from scores
    where
        scores.predicted_label is not null
        and scores.batch_id in (select psi.batch_id from psi)
    group by scores.batch_id

),

training_share as (

    select
        avg(case when predicted_label = 'claim' then 1.0e0 else 0.0e0 end)
            as training_predicted_claim_share
    from training_predictions
    where predicted_label is not null

),

final as (

    select
        psi.batch_id,
        psi.feature,
        psi.bins,
        psi.batch_rows,
        psi.psi,
        cast({{ var('psi_warn') }} as double) as warn_threshold,
        cast({{ var('psi_alert') }} as double) as alert_threshold,
        case
            when psi.psi >= {{ var('psi_alert') }} then 'alert'
            when psi.psi >= {{ var('psi_warn') }} then 'warn'
            else 'ok'
        end as status,
        claim_shares.predicted_claim_share,
        training_share.training_predicted_claim_share

    from psi
    left join claim_shares on psi.batch_id = claim_shares.batch_id
    cross join training_share

)

select * from final

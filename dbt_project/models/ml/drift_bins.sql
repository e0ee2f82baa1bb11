{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='batch_id',
    tags=['daily'],
) }}
-- Per inbox batch, watched feature and training bin: the batch's share against the training
-- share, and the bin's term of the population stability index. Shares are floored at 0.0001
-- so an empty bin gives a large finite term, not an infinite one.
with

-- the batches to bin: those not binned yet (intake_batches has one row per batch). Reports
-- and scores are filtered by it before the join, so the scans read only those batches' rows
-- (after ten earlier 1M batches: 1M rows read instead of 11M, 3.2 s instead of 3.7 s)
new_batches as (

    select batch_id from {{ ref('intake_batches') }}
    {% if is_incremental() -%}
    where batch_id not in (select loaded.batch_id from {{ this }} as loaded)
    {%- endif %}

),

reports as (

    select * from {{ ref('stg_inbox__videos') }}
    where batch_id in (select new_batches.batch_id from new_batches)

),

scores as (

    select * from {{ ref('report_scores') }}
    where batch_id in (select new_batches.batch_id from new_batches)

),

training_bins as (

    select * from {{ ref('int_drift_training_bins') }}

),

scored_reports as (

    select
        reports.*,
        scores.claim_probability

    from reports
    left join scores
        on reports.batch_id = scores.batch_id and reports.video_id = scores.video_id

),

drift_values as (

    {{ drift_values('scored_reports') }}

),

batches as (

    select distinct batch_id from reports

),

binned as (

    {{ drift_binned('drift_values', 'training_bins') }}

),

binned_counts as (

    select
        batch_id,
        feature,
        bin_number,
        count(*) as batch_rows

    from binned
    group by batch_id, feature, bin_number

),

counted as (

    select
        batches.batch_id,
        training_bins.feature,
        training_bins.bin_number,
        training_bins.bin_label,
        training_bins.training_share,
        coalesce(binned_counts.batch_rows, 0) as batch_rows

    from batches
    cross join training_bins
    left join binned_counts
        on
            batches.batch_id = binned_counts.batch_id
            and training_bins.feature = binned_counts.feature
            and training_bins.bin_number = binned_counts.bin_number

),

shares as (

    select
        *,
        cast(batch_rows as double)
        / nullif(sum(batch_rows) over (partition by batch_id, feature), 0) as batch_share

    from counted

),

final as (

    select
        batch_id,
        feature,
        bin_number,
        bin_label,
        batch_rows,
        training_share,
        batch_share,
        -- 9 decimals: enough for any PSI, and the same on every engine
        round(
            (greatest(batch_share, 0.0001) - greatest(training_share, 0.0001))
            * ln(greatest(batch_share, 0.0001) / greatest(training_share, 0.0001)),
            9
        ) as psi_term

    from shares

)

select * from final

-- The drift bins of each watched feature, from the training rows of the champion (the
-- initial file's train split): numbers cut at their training deciles (repeated edges merged),
-- categories one bin each, plus a bin for missing values; with the training share of each.
-- Built by `make run` with the fit; the daily run only reads it.
{{ config(materialized='table') }}
with

predictions as (

    select * from {{ ref('claim_predictions') }}
    where split = 'train'

),

videos as (

    select * from {{ ref('fct_videos') }}

),

training as (

    select
        'training' as batch_id,
        videos.*,
        predictions.claim_probability

    from videos
    inner join predictions on videos.video_id = predictions.video_id

),

drift_values as (

    {{ drift_values('training') }}

),

edges as (

    {%- for k in range(1, 10) %}
    select
        feature,
        percentile_cont({{ k / 10 }}) within group (order by value_num) as edge
    from drift_values
    where value_num is not null
    group by feature
    {{ 'union' if not loop.last }}
    {%- endfor %}

),

numeric_bins as (

    select
        feature,
        lower_edge,
        lead(lower_edge) over (partition by feature order by lower_edge nulls first)
            as upper_edge

    from (
        select
            feature,
            edge as lower_edge
        from edges
        union all
        select distinct
            feature,
            cast(null as double) as lower_edge
        from edges
    ) as lower_edges

),

bins as (

    select
        feature,
        true as is_numeric_bin,
        lower_edge,
        upper_edge,
        case
            when lower_edge is null then 'below ' || cast(round(upper_edge, 3) as varchar)
            when upper_edge is null then cast(round(lower_edge, 3) as varchar) || ' or more'
            else
                cast(round(lower_edge, 3) as varchar) || ' to '
                || cast(round(upper_edge, 3) as varchar)
        end as bin_label
    from numeric_bins

    union all

    select distinct
        feature,
        false as is_numeric_bin,
        cast(null as double) as lower_edge,
        cast(null as double) as upper_edge,
        value_cat as bin_label
    from drift_values
    where value_cat is not null

    union all

    select distinct
        feature,
        false as is_numeric_bin,
        cast(null as double) as lower_edge,
        cast(null as double) as upper_edge,
        'missing' as bin_label
    from drift_values
    where value_cat is null

),

numbered as (

    select
        *,
        row_number() over (
            partition by feature
            order by is_numeric_bin desc, lower_edge asc nulls first, bin_label asc
        ) as bin_number

    from bins

),

binned as (

    {{ drift_binned('drift_values', 'numbered') }}

),

counted as (

    select
        numbered.feature,
        numbered.bin_label,
        numbered.is_numeric_bin,
        numbered.lower_edge,
        numbered.upper_edge,
        numbered.bin_number,
        count(binned.feature) as training_rows

    from numbered
    left join binned
        on numbered.feature = binned.feature and numbered.bin_number = binned.bin_number
    group by
        numbered.feature,
        numbered.bin_label,
        numbered.is_numeric_bin,
        numbered.lower_edge,
        numbered.upper_edge,
        numbered.bin_number

),

final as (

    select
        *,
        cast(training_rows as double)
        / sum(training_rows) over (partition by feature) as training_share

    from counted

)

select * from final

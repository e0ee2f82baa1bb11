-- Fails (returns rows) unless the verified-logit tables agree with each other: every
-- dataset row is scored once, and the confusion matrix adds up to the metrics' counts.
with

dataset as (

    select * from {{ ref('verified_logit_dataset') }}

),

predictions as (

    select * from {{ ref('verified_logit_predictions') }}

),

metrics as (

    select * from {{ ref('verified_logit_metrics') }}

),

confusion as (

    select * from {{ ref('verified_logit_confusion_matrix') }}

),

dataset_counts as (

    select
        split,
        count(*) as n,
        sum(is_verified) as n_positive

    from dataset
    group by split

),

confusion_counts as (

    select
        split,
        sum(n) as n,
        sum(case when actual_class = 'verified' then n else 0 end) as n_positive

    from confusion
    group by split

),

cell_counts as (

    select
        split,
        count(*) as cells

    from confusion
    group by split

),

problems as (

    select 'dataset split differs from metrics' as problem
    from metrics
    left join dataset_counts on metrics.split = dataset_counts.split
    where
        dataset_counts.n is null
        or metrics.n != dataset_counts.n
        or metrics.n_positive != dataset_counts.n_positive

    union all

    select 'confusion matrix differs from metrics' as problem
    from metrics
    left join confusion_counts on metrics.split = confusion_counts.split
    where
        confusion_counts.n is null
        or metrics.n != confusion_counts.n
        or metrics.n_positive != confusion_counts.n_positive

    union all

    select 'dataset row not scored, or scored in another split' as problem
    from dataset
    left join predictions on dataset.video_id = predictions.video_id
    where predictions.split is null or predictions.split != dataset.split

    union all

    select 'expected exactly four confusion cells per split' as problem
    from cell_counts
    where cells != 4

)

select * from problems

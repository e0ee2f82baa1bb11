-- Where every source row went: one 'total' row (source = staged + rejected), then one
-- 'reason' row per rejection reason. No rejections -> the total row only.
with

-- base_tiktok__videos holds every source row once (it is the only reader of the source)
source as (

    select count(*) as source_rows from {{ ref('base_tiktok__videos') }}

),

staged as (

    select count(*) as staged_rows from {{ ref('stg_tiktok__videos') }}

),

rejected as (

    select * from {{ ref('stg_tiktok__videos_rejected') }}

),

by_reason as (

    select
        rejection_reason,
        count(*) as rejected_rows

    from rejected
    group by rejection_reason

),

totals as (

    select
        'total' as row_kind,
        cast(null as varchar) as rejection_reason,
        source.source_rows,
        staged.staged_rows,
        (select count(*) from rejected) as rejected_rows

    from source
    cross join staged

),

reasons as (

    select
        'reason' as row_kind,
        by_reason.rejection_reason,
        source.source_rows,
        cast(null as bigint) as staged_rows,
        by_reason.rejected_rows

    from by_reason
    cross join source

),

unioned as (

    select * from totals
    union all
    select * from reasons

),

final as (

    select
        row_kind,
        rejection_reason,
        cast(source_rows as bigint) as source_rows,
        cast(staged_rows as bigint) as staged_rows,
        cast(rejected_rows as bigint) as rejected_rows,
        cast(rejected_rows as double) / nullif(source_rows, 0) as rejected_share,
        '{{ env_var("CLAIMS_DATASET", "data/sample/tiktok_synthetic.csv") }}' as source_file

    from unioned

)

select * from final

-- Where every data record of the raw file went: one 'total' row (source = staged + rejected),
-- then one 'reason' row per rejection reason. No rejections -> the total row only.
-- source_rows is counted from the file's records as read (rows the scan returned plus
-- records it could not split), not from staging's numbering or its split into two views.
with

base as (

    select * from {{ ref('base_tiktok__videos') }}

),

source as (

    select
        -- a structural reject has its line on DuckDB; on Spark its record number
        count_if(raw_record is null)
        + count(
            distinct case
                when raw_record is not null then coalesce(source_line, source_row_number)
            end
        ) as source_rows

    from base

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
        cast(null as string) as rejection_reason,
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
        '{{ claims_dataset() }}' as source_file

    from unioned

)

select * from final

-- Fails (returns rows) unless every source row is either staged or rejected, and the
-- audit's figures match fresh counts of the relations themselves.
with

audit as (

    select * from {{ ref('ingestion_audit') }}

),

totals as (

    select * from audit
    where row_kind = 'total'

),

reason_sum as (

    select cast(coalesce(sum(rejected_rows), 0) as bigint) as rejected_rows
    from audit
    where row_kind = 'reason'

),

-- each record once in base, under its own record number
base_rows as (

    select
        count(*) as row_count,
        count(distinct source_row_number) as distinct_rows

    from {{ ref('base_tiktok__videos') }}

),

recount as (

    select
        (select row_count from base_rows) as source_rows,
        (select count(*) from {{ ref('stg_tiktok__videos') }}) as staged_rows,
        (select count(*) from {{ ref('stg_tiktok__videos_rejected') }}) as rejected_rows

),

problems as (

    select 'staged + rejected != source' as problem
    from totals
    where staged_rows + rejected_rows != source_rows

    union all

    select 'rejections by reason do not add up' as problem
    from totals
    cross join reason_sum
    where totals.rejected_rows != reason_sum.rejected_rows

    union all

    select 'audit differs from a recount' as problem
    from totals
    cross join recount
    where
        totals.source_rows != recount.source_rows
        or totals.staged_rows != recount.staged_rows
        or totals.rejected_rows != recount.rejected_rows

    union all

    select 'source rows lost or repeated in base_tiktok__videos' as problem
    from base_rows
    where
        base_rows.row_count != base_rows.distinct_rows

    union all

    select 'expected exactly one total row' as problem
    from (select count(*) as n from totals) as total_count
    where total_count.n != 1

    union all

    -- a source row in both relations or in neither
    select 'rows staged and rejected, or lost' as problem
    from recount
    where
        (
            select count(distinct accounted.source_row_number)
            from (
                select source_row_number from {{ ref('stg_tiktok__videos') }}
                union all
                select source_row_number from {{ ref('stg_tiktok__videos_rejected') }}
            ) as accounted
        ) != recount.source_rows

)

select * from problems

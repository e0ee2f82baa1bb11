{{ config(tags=['daily']) }}
-- Every staged report: the initial file's rows (batch 'initial', seq 0) and every inbox
-- batch's rows. A video reported again in a later batch has one row per report.
with

initial_file as (

    select * from {{ ref('stg_tiktok__videos') }}

),

inbox as (

    select * from {{ ref('stg_inbox__videos') }}

),

unioned as (

    select
        'initial' as batch_id,
        0 as batch_seq,
        {{ report_columns() }}
    from initial_file

    union all

    select
        batch_id,
        batch_seq,
        {{ report_columns() }}
    from inbox

),

final as (

    select * from unioned

)

select * from final

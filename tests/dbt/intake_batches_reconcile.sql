-- Every inbox batch: staged + rejected = source records, and both match the staging relations.
with

batches as (

    select * from {{ ref('intake_batches') }}

),

staged as (

    select
        batch_id,
        count(*) as n
    from {{ ref('stg_inbox__videos') }}
    group by batch_id

),

rejected as (

    select
        batch_id,
        count(*) as n
    from {{ ref('stg_inbox__videos_rejected') }}
    group by batch_id

)

select batches.*
from batches
left join staged on batches.batch_id = staged.batch_id
left join rejected on batches.batch_id = rejected.batch_id
where
    batches.staged_rows + batches.rejected_rows != batches.source_rows
    or batches.staged_rows != coalesce(staged.n, 0)
    or batches.rejected_rows != coalesce(rejected.n, 0)

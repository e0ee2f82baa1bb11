-- Source rows, staged rows and quarantined rows (staged + quarantined = source).
with

staged as (
    select count(*) as staged_rows from staging.stg_tiktok__videos
),

rejected as (
    select count(*) as rejected_rows from staging.stg_tiktok__videos_rejected
)

select
    staged.staged_rows + rejected.rejected_rows as source_rows,
    staged.staged_rows,
    rejected.rejected_rows
from staged
cross join rejected

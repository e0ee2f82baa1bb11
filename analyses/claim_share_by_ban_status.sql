-- Question: what share of each author ban status's labeled videos are claims?
with

crosstab as (

    select * from {{ ref('claim_status_by_author_ban_status') }}

),

final as (

    select
        author_ban_status,
        row_videos as labeled_videos,
        videos as claims,
        row_share as claim_share

    from crosstab
    where claim_status = 'claim'

)

select * from final
order by claim_share desc

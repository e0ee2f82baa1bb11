-- Question: are verified authors less likely than unverified ones to post claims?
with

summary as (

    select * from {{ ref('verified_status_summary') }}

),

final as (

    select
        verified_status,
        claims + opinions as labeled_videos,
        claims,
        claim_share,
        median_views

    from summary

)

select * from final
order by claim_share desc

-- marts.claim_status_by_author_ban_status, as dbt built it.
select * from marts.claim_status_by_author_ban_status

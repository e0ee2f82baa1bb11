-- marts.claim_status_by_verified_status, as dbt built it.
select * from marts.claim_status_by_verified_status

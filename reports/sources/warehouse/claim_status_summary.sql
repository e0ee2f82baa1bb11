-- marts.claim_status_summary, as dbt built it.
select * from marts.claim_status_summary

-- marts.engagement_by_claim_status, as dbt built it.
select * from marts.engagement_by_claim_status

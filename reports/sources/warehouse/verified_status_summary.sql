-- marts.verified_status_summary, as dbt built it.
select * from marts.verified_status_summary

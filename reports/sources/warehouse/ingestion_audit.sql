-- marts.ingestion_audit, as dbt built it.
select * from marts.ingestion_audit

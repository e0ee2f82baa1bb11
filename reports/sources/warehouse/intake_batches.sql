-- marts.intake_batches, as dbt built it.
select * from marts.intake_batches

-- marts.data_profile, as dbt built it.
select * from marts.data_profile

-- ml.model_versions, as dbt built it.
select * from ml.model_versions

-- ml.verified_logit_metrics, as dbt built it.
select * from ml.verified_logit_metrics

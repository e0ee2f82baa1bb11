-- ml.claim_classifier_metrics, as dbt built it.
select * from ml.claim_classifier_metrics

-- ml.claim_classifier_capacity, as dbt built it.
select * from ml.claim_classifier_capacity

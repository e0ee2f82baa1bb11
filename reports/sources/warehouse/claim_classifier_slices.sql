-- ml.claim_classifier_slices, as dbt built it.
select * from ml.claim_classifier_slices

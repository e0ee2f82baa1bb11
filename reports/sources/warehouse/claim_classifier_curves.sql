-- ml.claim_classifier_curves, as dbt built it.
select * from ml.claim_classifier_curves

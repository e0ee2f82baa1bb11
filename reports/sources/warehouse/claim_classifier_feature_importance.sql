-- ml.claim_classifier_feature_importance, as dbt built it.
select * from ml.claim_classifier_feature_importance

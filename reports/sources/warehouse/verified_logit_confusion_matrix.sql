-- ml.verified_logit_confusion_matrix, as dbt built it.
select * from ml.verified_logit_confusion_matrix

-- ml.claim_confusion_matrix, as dbt built it.
select * from ml.claim_confusion_matrix

-- ml.verified_logit_coefficients, as dbt built it.
select * from ml.verified_logit_coefficients

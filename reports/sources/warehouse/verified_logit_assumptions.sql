-- ml.verified_logit_assumptions, as dbt built it.
select * from ml.verified_logit_assumptions

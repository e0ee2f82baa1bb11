"""ml.verified_logit_coefficients: the one fit of the verified-status logit (train rows)."""

from tiktok_claims.ml.verified_logit import coefficients_table


def model(dbt, session):
    return coefficients_table(dbt.ref("verified_logit_dataset"))

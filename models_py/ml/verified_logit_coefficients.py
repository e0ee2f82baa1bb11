"""ml.verified_logit_coefficients: the one fit of the verified-status logit (train rows)."""

from tiktok_claims import import_lock

with import_lock:
    from tiktok_claims.stats.logit import coefficients_table


def model(dbt, session):
    return coefficients_table(dbt.ref("verified_logit_dataset").df())

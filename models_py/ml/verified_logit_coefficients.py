"""ml.verified_logit_coefficients: the one fit of the verified-status logit (train rows)."""

from tiktok_claims.processes import in_worker


def model(dbt, session):
    return in_worker(
        "tiktok_claims.ml.verified_logit:coefficients_table", dbt.ref("verified_logit_dataset")
    )

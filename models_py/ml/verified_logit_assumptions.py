"""ml.verified_logit_assumptions: one row per assumption check of the fitted logit."""

from tiktok_claims.processes import in_worker


def model(dbt, session):
    dataset = dbt.ref("verified_logit_dataset")
    coefficients = dbt.ref("verified_logit_coefficients")
    return in_worker(
        "tiktok_claims.ml.verified_logit:assumptions_table",
        dataset,
        coefficients,
        alpha=float(dbt.config.get("alpha")),
    )

"""ml.verified_logit_predictions: every video scored with the fitted coefficients."""

from tiktok_claims.processes import in_worker


def model(dbt, session):
    dataset = dbt.ref("verified_logit_dataset")
    return in_worker(
        "tiktok_claims.ml.verified_logit:predictions_table",
        dataset,
        dbt.ref("verified_logit_coefficients"),
    )

"""ml.verified_logit_predictions: every video scored with the fitted coefficients."""

from tiktok_claims.ml.verified_logit import predictions_table


def model(dbt, session):
    dataset = dbt.ref("verified_logit_dataset")
    return predictions_table(dataset, dbt.ref("verified_logit_coefficients"))

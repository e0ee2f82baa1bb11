"""ml.verified_logit_metrics: accuracy, precision, recall, F1, ROC AUC per split."""

from tiktok_claims.processes import in_worker


def model(dbt, session):
    return in_worker(
        "tiktok_claims.ml.verified_logit:metrics_table", dbt.ref("verified_logit_predictions")
    )

"""ml.verified_logit_metrics: accuracy, precision, recall, F1, ROC AUC per split."""

from tiktok_claims.ml.verified_logit import metrics_table


def model(dbt, session):
    return metrics_table(dbt.ref("verified_logit_predictions"))

"""ml.verified_logit_metrics: accuracy, precision, recall, F1, ROC AUC per split."""

from tiktok_claims import import_lock

with import_lock:
    from tiktok_claims.stats.logit import metrics_table


def model(dbt, session):
    return metrics_table(dbt.ref("verified_logit_predictions").df())

"""Every recorded version of the claim classifier (tiktok_claims.ml.versions); the first
champion's metrics are its test row of ml.claim_classifier_metrics until a retrain scores it
on the fixed evaluation set. ml/model_versions types it."""

from tiktok_claims.ml import versions


def model(dbt, session):
    dbt.config(schema="intermediate", tags=["daily"])
    metrics = dbt.ref("claim_classifier_metrics").df()
    return versions.with_first_metrics(versions.history(), metrics)

"""Every recorded version of the claim classifier (tiktok_claims.ml.versions); the first
champion's metrics are its test row of ml.claim_classifier_metrics until a retrain scores it
on the fixed evaluation set. With `--vars '{retrain: true}'` (`make retrain`) it refits first,
into this build's model folder, so the new champion is released with the warehouse or not at
all. ml/model_versions types it."""

from tiktok_claims.processes import imported, in_worker


def model(dbt, session):
    dbt.config(schema="intermediate", tags=["retrain"])
    metrics = dbt.ref("claim_classifier_metrics").df()
    # what a retrain reads: the initial labels, the split, the decisions and their reports
    dbt.ref("claim_features"), dbt.ref("claim_predictions")
    dbt.ref("moderator_decisions"), dbt.ref("int_reports")
    if str(dbt.config.get("retrain")).lower() == "true":
        with session.cursor() as con:  # its own cursor: the package's SQL names no catalog
            con.execute(f'use "{dbt.this.database}"')
            versions = imported("tiktok_claims.ml.versions")
            versions.retrain(con=con, seed=int(dbt.config.get("seed")))
    return in_worker("tiktok_claims.ml.versions:table", metrics)

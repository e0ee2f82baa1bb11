"""ml.claim_classifier_metrics: the 'metrics' rows of the single classifier fit, typed."""

from tiktok_claims import import_lock

with import_lock:
    from tiktok_claims.ml.train import select_list


def model(dbt, session):
    fit = dbt.ref("claim_classifier_fit")
    return fit.filter("result_kind = 'metrics'").select(select_list("metrics"))

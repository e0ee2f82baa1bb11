"""ml.claim_predictions: the 'predictions' rows of the single classifier fit, typed."""

from tiktok_claims import import_lock

with import_lock:
    from tiktok_claims.ml.train import select_list


def model(dbt, session):
    fit = dbt.ref("claim_classifier_fit")
    return fit.filter("result_kind = 'predictions'").select(select_list("predictions"))

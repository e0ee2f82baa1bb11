"""ml.claim_classifier_feature_importance: the importance rows of the single fit, typed."""

from tiktok_claims import import_lock

with import_lock:
    from tiktok_claims.ml.train import select_list


def model(dbt, session):
    fit = dbt.ref("claim_classifier_fit")
    return fit.filter("result_kind = 'feature_importance'").select(
        select_list("feature_importance")
    )

"""ml.verified_logit_confusion_matrix: videos per split, actual and predicted class."""

from tiktok_claims.processes import in_worker


def model(dbt, session):
    return in_worker(
        "tiktok_claims.ml.verified_logit:confusion_matrix_table",
        dbt.ref("verified_logit_predictions"),
    )

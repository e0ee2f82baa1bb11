"""ml.verified_logit_confusion_matrix: videos per split, actual and predicted class."""

from tiktok_claims.ml.verified_logit import confusion_matrix_table


def model(dbt, session):
    return confusion_matrix_table(dbt.ref("verified_logit_predictions"))

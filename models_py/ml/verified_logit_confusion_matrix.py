"""ml.verified_logit_confusion_matrix: videos per split, actual and predicted class."""

from tiktok_claims import import_lock

with import_lock:
    from tiktok_claims.stats.logit import confusion_matrix_table


def model(dbt, session):
    return confusion_matrix_table(dbt.ref("verified_logit_predictions").df())

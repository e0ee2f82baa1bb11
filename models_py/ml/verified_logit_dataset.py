"""ml.verified_logit_dataset: the regression's rows and their stratified train/test split."""

from tiktok_claims.processes import in_worker


def model(dbt, session):
    videos = dbt.ref("fct_videos")
    return in_worker(
        "tiktok_claims.ml.verified_logit:split_dataset", videos, seed=int(dbt.config.get("seed"))
    )

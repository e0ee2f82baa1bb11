"""ml.verified_logit_dataset: the regression's rows and their stratified train/test split."""

from tiktok_claims.ml.verified_logit import split_dataset


def model(dbt, session):
    videos = dbt.ref("fct_videos")
    return split_dataset(videos, seed=int(dbt.config.get("seed")))

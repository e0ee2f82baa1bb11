"""stats.hypothesis_tests: verified vs unverified tests (logic: tiktok_claims.stats.hypothesis)."""

from tiktok_claims.stats.hypothesis import verified_status_tests


def model(dbt, session):
    videos = dbt.ref("fct_videos")
    return verified_status_tests(videos, alpha=float(dbt.config.get("alpha")))

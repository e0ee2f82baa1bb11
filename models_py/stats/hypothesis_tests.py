"""stats.hypothesis_tests: verified vs unverified tests (logic: tiktok_claims.stats.hypothesis)."""

from tiktok_claims.processes import in_worker


def model(dbt, session):
    videos = dbt.ref("fct_videos")
    return in_worker(
        "tiktok_claims.stats.hypothesis:verified_status_tests",
        videos,
        alpha=float(dbt.config.get("alpha")),
    )

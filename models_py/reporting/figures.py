"""reporting.figures: the EDA figures, drawn while the claim classifier trains, into the build's
release folder; one row per figure (logic: tiktok_claims.figures.draw_marts)."""

from tiktok_claims.export import release
from tiktok_claims.paths import exports_dir
from tiktok_claims.processes import in_worker


def model(dbt, session):
    marts = {
        "fct_videos": dbt.ref("fct_videos"),
        "claim_status_summary": dbt.ref("claim_status_summary"),
        "author_ban_status_summary": dbt.ref("author_ban_status_summary"),
        "engagement_by_claim_status": dbt.ref("engagement_by_claim_status"),
        "engagement_bins": dbt.ref("engagement_bins"),
        "claim_status_by_verified_status": dbt.ref("claim_status_by_verified_status"),
        "claim_status_by_author_ban_status": dbt.ref("claim_status_by_author_ban_status"),
    }
    return in_worker(
        "tiktok_claims.figures:draw_marts",
        {name: relation.to_arrow_table() for name, relation in marts.items()},
        release.build_dir(exports_dir()) / "figures",
    )

"""Scores of the inbox batches not scored yet, by the saved champion (never retrains);
ml/report_scores types them."""

from tiktok_claims import daily


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="batch_id",
        schema="intermediate",
        tags=["daily"],
    )
    # after the fit that saves the champion (a retrain is its own build: `make retrain`)
    dbt.ref("claim_classifier_fit")
    done = f"select batch_id from {dbt.this}" if dbt.is_incremental else None
    return daily.score_batches(session, dbt.ref("stg_inbox__videos"), done)

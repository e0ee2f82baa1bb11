{{ config(tags=['daily']) }}
-- The quarantined records of every inbox batch, as stg_tiktok__videos_rejected, by batch.
{{ stage_videos_rejected(ref('base_inbox__videos'), keys=['batch_id']) }}

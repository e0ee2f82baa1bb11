{{ config(tags=['daily']) }}
-- The valid rows of every inbox batch, typed as stg_tiktok__videos, with their batch.
-- A row with a claim_status is a label known at intake (not an open report).
{{ stage_videos_staged(ref('base_inbox__videos'), keys=['batch_id', 'batch_seq']) }}

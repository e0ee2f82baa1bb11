-- One row per valid input row, typed. claim_status NULL = unlabeled (kept for scoring).
-- The SQL is in macros/stage_videos.sql, shared with tiktok_claims.ingest.stage_file.
{{ stage_videos_staged(ref('base_tiktok__videos')) }}

-- One row per quarantined record, structural (DuckDB could not split it into the header's
-- fields) or value-level: where it was, what it said, why. SQL in macros/stage_videos.sql.
{{ stage_videos_rejected(ref('base_tiktok__videos')) }}

-- The first 2,000 items of marts.moderation_queue (the open reports), with the filter fields
-- as plain words; the page filters them in the browser.
select
    queue_rank,
    video_id,
    case when review_today then 'Yes' else 'No' end as review_today,
    case when needs_manual_review then 'Yes' else 'No' end as needs_manual_review,
    coalesce(author_ban_status, 'unknown') as author_ban_status,
    verified_status,
    claim_probability,
    report_count,
    case when batch_id = 'initial' then 'initial file' else batch_id end as batch,
    review_reason,
    video_transcription_text
from marts.moderation_queue
where queue_rank <= 2000

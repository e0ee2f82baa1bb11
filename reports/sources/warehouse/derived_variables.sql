-- The derived variables on marts.fct_videos, summarised by claim status.
select
    coalesce(claim_status, 'unlabeled') as claim_status,
    count(*) as videos,
    avg(transcription_char_count) as mean_char_count,
    avg(transcription_word_count) as mean_word_count,
    avg(likes_per_view) as mean_likes_per_view,
    avg(comments_per_view) as mean_comments_per_view,
    avg(shares_per_view) as mean_shares_per_view,
    avg(downloads_per_view) as mean_downloads_per_view
from marts.fct_videos
group by coalesce(claim_status, 'unlabeled')

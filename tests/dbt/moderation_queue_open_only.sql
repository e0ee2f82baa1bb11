-- The queue holds open reports only: no video with a label in any report, none decided.
select queue.video_id
from {{ ref('moderation_queue') }} as queue
left join {{ ref('int_videos') }} as videos on queue.video_id = videos.video_id
left join {{ ref('moderator_decisions') }} as decisions
    on queue.video_id = decisions.video_id
where videos.is_labeled or decisions.video_id is not null

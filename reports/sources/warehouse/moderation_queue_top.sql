-- The top of marts.moderation_queue: the first 100 videos a moderator would review.
select *
from marts.moderation_queue
where queue_rank <= 100

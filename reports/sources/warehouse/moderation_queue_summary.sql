-- The open queue in a few numbers: open videos, today's list, predicted claims, unscored ones.
select
    count(*) as videos,
    sum(case when review_today then 1 else 0 end) as review_today,
    sum(case when predicted_label = 'claim' then 1 else 0 end) as predicted_claims,
    sum(case when needs_manual_review then 1 else 0 end) as manual_review,
    sum(case when report_count > 1 then 1 else 0 end) as reported_again,
    count(distinct case when batch_id <> 'initial' then batch_id end) as daily_batches
from marts.moderation_queue

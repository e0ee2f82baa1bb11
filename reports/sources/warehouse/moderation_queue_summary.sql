-- The whole queue in a few numbers: videos, predicted claims, and unlabelled videos among them.
select
    count(*) as videos,
    sum(case when predicted_label = 'claim' then 1 else 0 end) as predicted_claims,
    sum(case when prediction_split = 'unlabeled' then 1 else 0 end) as unlabeled_videos,
    sum(
        case when prediction_split = 'unlabeled' and predicted_label = 'claim' then 1 else 0 end
    ) as unlabeled_predicted_claims,
    max(model_name) as model_name
from marts.moderation_queue

{{ config(tags=['daily']) }}
-- Per decision day: how the reviewed top of the queue turned out. Each current decision is
-- judged against the review_today list of its day (queue_snapshots), or of the last day
-- before it on which a list was shown.
with

decisions as (

    select * from {{ ref('moderator_decisions') }}
    where is_current

),

snapshots as (

    select * from {{ ref('queue_snapshots') }}

),

shown_days as (

    select distinct snapshot_date from snapshots

),

decision_days as (

    select
        decided_days.decision_date,
        max(shown_days.snapshot_date) as snapshot_date

    from (select distinct decision_date from decisions) as decided_days
    left join shown_days on decided_days.decision_date >= shown_days.snapshot_date
    group by decided_days.decision_date

),

judged as (

    select
        decisions.decision_date,
        decision_days.snapshot_date,
        decisions.decision,
        snapshots.video_id is not null as was_shown

    from decisions
    inner join decision_days on decisions.decision_date = decision_days.decision_date
    left join snapshots
        on
            decision_days.snapshot_date = snapshots.snapshot_date
            and decisions.video_id = snapshots.video_id

),

final as (

    select
        decision_date,
        snapshot_date,
        count(*) as decisions,
        count(*) filter (where was_shown) as reviewed_from_queue,
        count(*) filter (where was_shown and decision = 'claim') as claims_in_reviewed,
        -- precision of the reviewed top of the queue
        cast(count(*) filter (where was_shown and decision = 'claim') as double)
        / nullif(count(*) filter (where was_shown), 0) as precision_reviewed,
        count(*) filter (where decision = 'claim') as decided_claims,
        -- share of the day's decided claims the model had ranked for review
        cast(count(*) filter (where was_shown and decision = 'claim') as double)
        / nullif(count(*) filter (where decision = 'claim'), 0) as claims_ranked_share

    from judged
    group by decision_date, snapshot_date

)

select * from final

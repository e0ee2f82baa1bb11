-- Quarantined rows by reason; one "(none)" row when nothing was quarantined, so the
-- table always exists for the page.
with

reasons as (
    select
        rejection_reason,
        count(*) as rows_rejected
    from staging.stg_tiktok__videos_rejected
    group by rejection_reason
)

select * from reasons
union all
select
    '(none)' as rejection_reason,
    0 as rows_rejected
where not exists (select 1 from reasons)

{{ config(batch_incremental(unique_key='batch_id', incremental_strategy='delete+insert')) }}
{{ config(tags=['daily']) }}
-- Per loaded inbox batch: the quarantined records by reason.
with

rejected as (

    select * from {{ ref('stg_inbox__videos_rejected') }}
    {% if is_incremental() -%}
    where batch_id not in (select loaded.batch_id from {{ this }} as loaded)
    {%- endif %}

),

final as (

    select
        batch_id,
        rejection_reason,
        count(*) as rejected_rows

    from rejected
    group by batch_id, rejection_reason

)

select * from final

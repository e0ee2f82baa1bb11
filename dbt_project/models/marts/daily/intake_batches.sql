{{ config(batch_incremental(unique_key='batch_id', incremental_strategy='delete+insert')) }}
{{ config(tags=['daily']) }}
-- One row per loaded inbox batch: its identity and its audit (staged + rejected = source).
with

records as (

    select * from {{ ref('base_inbox__videos') }}
    {% if is_incremental() -%}
    where batch_id not in (select loaded.batch_id from {{ this }} as loaded)
    {%- endif %}

),

final as (

    select
        -- identity
        batch_id,
        file_name,
        file_sha256,
        batch_seq,
        loaded_at,

        -- audit
        count(*) as source_rows,
        count(*) filter (where rejection_reason is null) as staged_rows,
        count(*) filter (where rejection_reason is not null) as rejected_rows,
        count(*) filter (where rejection_reason is null and claim_status is not null)
            as labeled_rows

    from records
    group by batch_id, file_name, file_sha256, batch_seq, loaded_at

)

select * from final

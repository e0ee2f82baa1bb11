{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='batch_id',
    schema='intermediate',
    tags=['daily'],
) }}
-- The inbox_scores_fit rows, typed by the contract; only batches not typed yet
with

scores as (

    {{ result_of_fit(ref('inbox_scores_fit')) }}

),

final as (

    select * from scores
    {% if is_incremental() -%}
    where {{ new_batch_filter(ref('inbox_scores_fit'), this) }}
    {%- endif %}

)

select * from final

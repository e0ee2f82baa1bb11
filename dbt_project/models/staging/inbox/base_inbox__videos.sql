{{ config(batch_incremental(unique_key='batch_id', incremental_strategy='delete+insert')) }}
{{ config(
    on_schema_change='fail',
    post_hook="{{ inbox_structural_rejects(this) }}",
    tags=['daily'],
) }}
{#- Every data record of every inbox batch, loaded once per batch (file name + SHA-256): each
    batch not loaded yet is read by DuckDB (the tiktok source's read_csv / read_parquet text
    with the batch's header checked) and goes through the same staging pass as the initial
    file (stage_videos.sql); the post-hook adds each CSV batch's structural rejects (on Spark
    they come with the scan). A batch reloaded after a failed day replaces its rows
    (delete+insert by batch_id; on Spark its partition is overwritten). -#}
{%- set batches = inbox_new_batches() -%}
{%- set columns = stage_column_list('raw').split(',') -%}
{%- set empty_source -%}
(select {% for column in columns %}cast(null as string) as {{ column }}{{ ', ' if not loop.last }}{% endfor %} limit 0)
{%- endset -%}
with

{% for batch in batches -%}
batch_{{ batch.n }} as (

    select
        {{ text_literal(batch.batch_id) }} as batch_id,
        {{ text_literal(batch.file_name) }} as file_name,
        {{ text_literal(batch.file_sha256) }} as file_sha256,
        {{ batch.batch_seq }} as batch_seq,
        {{ inbox_loaded_at() }} as loaded_at,
        staged.*
    from (
        {{ stage_videos_base(
            batch.call, batch.select_list, ref('category_values'),
            engine='spark' if is_spark() else 'duckdb', corrupt_column=batch.corrupt_column,
        ) }}
    ) as staged

),

{% endfor -%}
{#- no new batch: the same columns, no rows -#}
nothing_new as (

    select
        cast(null as string) as batch_id,
        cast(null as string) as file_name,
        cast(null as string) as file_sha256,
        cast(null as integer) as batch_seq,
        cast(null as timestamp) as loaded_at,
        staged.*
    from (
        {{ stage_videos_base(
            empty_source, zip(columns, columns) | list, ref('category_values'),
            engine='spark' if is_spark() else 'duckdb',
        ) }}
    ) as staged

),

final as (

    {% for batch in batches -%}
    select * from batch_{{ batch.n }}
    union all
    {% endfor -%}
    select * from nothing_new

)

select * from final

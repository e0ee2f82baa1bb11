{{ config(
    materialized='table',
    post_hook=after_commit("{{ claims_after_write(this) }}"),
) }}
{#- Every data record of the raw file, once: DuckDB reads the rows (the source is a read_csv /
    read_parquet call), the header is checked first (claims_header), and one pass types every
    value and records why a row can't be trusted (stage_videos.sql, shared with
    tiktok_claims.ingest.stage_file). On DuckDB the post-hook then numbers the rows, adds the
    records DuckDB could not split into fields and flags repeated ids (on Spark the select
    does it all, the broken records coming with the scan). The hook runs after the commit:
    updates of a table created in the open transaction made the commit rewrite it (9 s at
    10M rows). The ONLY model that reads the source. -#}
{%- set header = claims_header() -%}
{%- set videos = source('tiktok', 'videos_parquet') if header.format == 'parquet'
    else source('tiktok', 'videos') -%}

{{ stage_videos_base(
    videos, header.select_list, ref('category_values'),
    engine='spark' if is_spark() else 'duckdb', corrupt_column=header.get('corrupt_column'),
    after_write=not is_spark(),
) }}

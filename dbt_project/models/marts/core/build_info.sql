-- The run that built this warehouse. The whole file is released at once (blue/green), so
-- every table in it comes from this run; the input's SHA-256 says which file it read. The
-- DuckDB release's record (the hash is the DuckDB plugin's function): not on Spark.
{{ config(enabled=target.type != 'spark') }}
with

final as (

    select
        -- the run
        '{{ invocation_id }}' as run_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
        -- its input
        '{{ claims_dataset() | replace("'", "''") }}' as input_file,
        tiktok_claims_sha256('{{ claims_dataset() | replace("'", "''") }}') as input_file_sha256

)

select * from final

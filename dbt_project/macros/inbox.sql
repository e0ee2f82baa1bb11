{#- The inbox of daily batches (tiktok_claims.inbox lists the finished files and hashes them,
    a DuckDB function the project's plugin registers; DuckDB reads the rows, in SQL). -#}

{#- CLAIMS_INBOX, else the var default_inbox (data/inbox/). -#}
{% macro inbox_dir() -%}
    {{ return(env_var('CLAIMS_INBOX', var('default_inbox'))) }}
{%- endmacro %}

{#- When this run loaded its batches (one value for every batch of the day). -#}
{% macro inbox_loaded_at() -%}
    {{ return("cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp)") }}
{%- endmacro %}

{#- The finished files of the inbox: [{file_name, path, file_sha256, batch_id}], by name. On
    Spark no Python runs inside dbt: `tiktok-claims header` lists them just before, with each
    file's header check (the var claims_inbox). -#}
{% macro inbox_files() -%}
    {%- if is_spark() -%}
        {{ return(spark_checked_var('claims_inbox')) }}
    {%- endif -%}
    {%- set rows = run_query(
        "select f.file_name, f.path, f.file_sha256, f.batch_id"
        ~ " from (select unnest(tiktok_claims_inbox('" ~ inbox_dir() | replace("'", "''")
        ~ "')) as f) order by f.file_name"
    ).rows -%}
    {{ return(rows) }}
{%- endmacro %}

{#- On Spark: a var `tiktok-claims header` made before dbt runs, or the sentence saying so. -#}
{% macro spark_checked_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none -%}
        {{ exceptions.raise_compiler_error(
            'On the spark target the raw file, the inbox and the decisions file are checked'
            ~ ' before dbt runs: dbt build --target spark --vars "$(tiktok-claims header)"'
            ~ ' (make build-spark does this).') }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The batches already loaded (file_name -> sha256), from the loaded rows themselves. -#}
{% macro inbox_loaded() -%}
    {%- set base = adapter.get_relation(
        database=target.database, schema='staging', identifier='base_inbox__videos') -%}
    {%- if base is none -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set loaded = {} -%}
    {%- for row in run_query(
        'select distinct file_name, file_sha256, batch_seq from ' ~ base).rows -%}
        {%- do loaded.update({row['file_name']: row}) -%}
    {%- endfor -%}
    {{ return(loaded) }}
{%- endmacro %}

{#- on-run-start: refuse the whole day before anything is built when
    - the warehouse was never built and this run does not build it (`make daily` first), or
    - a file whose name was loaded before has other content now (a batch is immutable). -#}
{% macro inbox_preflight() -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set staged = adapter.get_relation(
            database=target.database, schema='staging', identifier='base_tiktok__videos') -%}
        {%- if staged is none
            and 'model.tiktok_claims.base_tiktok__videos' not in selected_resources -%}
            {{ exceptions.raise_compiler_error(
                'The warehouse has not been built yet: run `make run`'
                ~ ' (a full dbt build) before `make daily`.') }}
        {%- endif -%}
        {%- set loaded = inbox_loaded() -%}
        {%- for file in inbox_files() -%}
            {%- set before = loaded.get(file['file_name']) -%}
            {%- if before is not none and before['file_sha256'] != file['file_sha256'] -%}
                {{ exceptions.raise_compiler_error(
                    file['path'] ~ ' was loaded before with SHA-256 '
                    ~ before['file_sha256'][:12] ~ '… but its content has changed (now '
                    ~ file['file_sha256'][:12] ~ '…); a batch is immutable, so nothing was'
                    ~ ' loaded today: restore the file, or drop the new content under a new name.') }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The batches to load now: in the inbox, not loaded yet, numbered after the loaded ones
    (batch_seq orders reports: later batches, then later names, are the latest). Each with its
    header checked (a file that is not a claims table stops the build with its sentence) and
    the call that reads it: the tiktok source's own read_csv / read_parquet text, with this
    batch's column list and rejects tables. -#}
{% macro inbox_new_batches() -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return([]) }}
    {%- endif -%}
    {#- a full refresh loads every batch in the inbox again -#}
    {%- set loaded = {} if should_full_refresh() else inbox_loaded() -%}
    {%- set seqs = [0] -%}
    {%- for row in loaded.values() -%}
        {%- do seqs.append(row['batch_seq']) -%}
    {%- endfor -%}
    {%- set start = seqs | max -%}
    {%- set sources = graph.sources.values() | selectattr('source_name', 'equalto', 'tiktok')
        | list -%}
    {%- set calls = {} -%}
    {%- for source_node in sources -%}
        {%- do calls.update({source_node.name: source_node.meta.external_location}) -%}
    {%- endfor -%}
    {%- set batches = [] -%}
    {%- for file in inbox_files() if file['file_name'] not in loaded -%}
        {%- set n = batches | length + 1 -%}
        {%- set path = file['path'] | replace("'", "''") -%}
        {%- if is_spark() -%}
            {%- set header = file -%}
        {%- else -%}
            {%- set header = duckdb_file_header(file['path']) -%}
        {%- endif -%}
        {%- if header['error'] -%}
            {{ exceptions.raise_compiler_error(
                header['error'] ~ ' (an inbox batch; nothing was loaded today)') }}
        {%- endif -%}
        {%- set corrupt_column = none -%}
        {%- if is_spark() -%}
            {%- set corrupt_column = spark_file_view('inbox_batch_' ~ n, header) -%}
            {%- set call = 'global_temp.inbox_batch_' ~ n -%}
            {%- set select_list = zip(header['expressions'], header['names']) | list -%}
        {%- else -%}
            {%- if header['format'] == 'csv' -%}
                {%- do run_query('set variable tiktok_inbox_columns_' ~ n ~ ' = ' ~ header['columns']) -%}
                {%- set call = calls['videos']
                    | replace('tiktok_claims_columns', 'tiktok_inbox_columns_' ~ n)
                    | replace('tiktok_reject_errors', 'tiktok_inbox_errors_' ~ n)
                    | replace('tiktok_reject_scans', 'tiktok_inbox_scans_' ~ n) -%}
            {%- else -%}
                {%- set call = calls['videos_parquet'] -%}
            {%- endif -%}
            {%- set call = call.replace('{path}', path) -%}
            {%- set select_list = header['select_list'] -%}
        {%- endif -%}
        {%- do batches.append({
            'n': n,
            'batch_id': file['batch_id'],
            'file_name': file['file_name'],
            'file_sha256': file['file_sha256'],
            'path': path,
            'batch_seq': start + n,
            'format': header['format'],
            'call': call,
            'select_list': select_list,
            'corrupt_column': corrupt_column,
        }) -%}
    {%- endfor -%}
    {%- if is_spark() -%}
        {{ return(batches) }}
    {%- endif -%}
    {%- do run_query(
        'create or replace temp table inbox_today (n integer, batch_id varchar, path varchar,'
        ~ ' format varchar, file_name varchar, file_sha256 varchar, batch_seq integer,'
        ~ ' loaded_at timestamp)') -%}
    {%- for batch in batches -%}
        {%- do run_query("insert into inbox_today values (" ~ batch.n ~ ", '"
            ~ batch.batch_id | replace("'", "''") ~ "', '" ~ batch.path ~ "', '"
            ~ batch.format ~ "', '" ~ batch.file_name | replace("'", "''") ~ "', '"
            ~ batch.file_sha256 ~ "', " ~ batch.batch_seq ~ ", " ~ inbox_loaded_at() ~ ")") -%}
    {%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}

{#- post-hook of base_inbox__videos: each new CSV batch's structural rejects. The model's
    compile step listed today's batches in the temp table inbox_today (same connection; the
    rejects tables of its read_csv calls are temporary too). -#}
{% macro inbox_structural_rejects(base) -%}
    {%- if execute and not is_spark() -%}
        {%- for batch in run_query(
            "select n, batch_id, path from inbox_today where format = 'csv' order by n").rows -%}
            {%- set batch_id = batch['batch_id'] | replace("'", "''") -%}
            {{ stage_videos_structural(
                base,
                batch['path'] | replace("'", "''"),
                errors='tiktok_inbox_errors_' ~ batch['n'],
                batch_id=batch_id,
                batch="select batch_id, file_name, file_sha256, batch_seq, loaded_at"
                    ~ " from inbox_today where batch_id = '" ~ batch_id ~ "'",
            ) }};
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- int_videos counts per video over every report. Its daily run counts only the reports of
    batches after the highest batch_seq it holds (returned); none means count every report:
    not incremental, an empty table, or a run that rebuilds the initial file (batch_seq 0;
    reports_restart empties the table first). -#}
{% macro reports_since(relation) -%}
    {%- if not execute or not is_incremental() or initial_file_rebuilt() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query('select max(latest_batch_seq) from ' ~ relation).columns[0].values()[0]) }}
{%- endmacro %}

{#- pre-hook of int_videos: a run that rebuilds the initial file counts again from nothing. -#}
{% macro reports_restart(relation) -%}
    {%- if is_incremental() and initial_file_rebuilt() -%}
        delete from {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- This run rebuilds the initial file's staging (a full build, not `make daily`). -#}
{% macro initial_file_rebuilt() -%}
    {{ return('model.tiktok_claims.base_tiktok__videos' in selected_resources) }}
{%- endmacro %}

{#- A filter on batch_id keeping the batches of `source` that `relation` does not hold yet, as
    a constant list (DuckDB then reads only those batches' row groups of `source`). -#}
{% macro new_batch_filter(source, relation) -%}
    {%- if not execute -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set ids = run_query(
        'select distinct batch_id from ' ~ source ~ ' except select distinct batch_id from '
        ~ relation ~ ' order by 1').columns[0].values() -%}
    {%- set quoted = [] -%}
    {%- for id in ids -%}
        {%- do quoted.append(text_literal(id)) -%}
    {%- endfor -%}
    {{ return('batch_id in (' ~ (quoted | join(', ') if quoted else 'null') ~ ')') }}
{%- endmacro %}

{#- A filter on batch_seq keeping the batches that hold the latest report of an open video
    (`open_videos`, a table built earlier in the run), as a constant list; no filter when
    it does not exist (compiled without a warehouse, e.g. by the linter). -#}
{% macro open_batch_filter(open_videos) -%}
    {%- if not execute or load_relation(open_videos) is none -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set seqs = run_query(
        'select distinct latest_batch_seq from ' ~ open_videos ~ ' order by 1').columns[0].values() -%}
    {{ return('batch_seq in (' ~ (seqs | join(', ') if seqs else 'null') ~ ')') }}
{%- endmacro %}

{#- The columns of one report that the queue and the decisions read. -#}
{% macro report_columns() -%}
    source_row_number,
    video_id,
    claim_status,
    video_duration_sec,
    video_transcription_text,
    verified_status,
    author_ban_status,
    video_view_count,
    video_like_count,
    video_share_count,
    video_download_count,
    video_comment_count
{%- endmacro %}

{#- The moderator decisions file: CLAIMS_DECISIONS, else the var default_decisions. -#}
{% macro decisions_path() -%}
    {{ return(env_var('CLAIMS_DECISIONS', var('default_decisions'))) }}
{%- endmacro %}

{#- Moderator decisions: the query (every field as text, numbered in file order as
    source_row_number) or, when there is no such file yet, the same columns with no rows. On
    Spark a temporary view with the source's CSV options (its existence checked before dbt
    runs: the var claims_decisions). -#}
{% macro decisions_source() -%}
    {%- set path = decisions_path() -%}
    {%- set quoted = path | replace("'", "''") -%}
    {%- if not execute -%}
        {%- set exists = false -%}
    {%- elif is_spark() -%}
        {%- set exists = spark_checked_var('claims_decisions')['exists'] -%}
    {%- else -%}
        {%- set exists = run_query(
            "select count(*) as n from glob('" ~ quoted ~ "')").rows[0]['n'] > 0 -%}
    {%- endif -%}
    {%- if exists and is_spark() -%}
        {%- do spark_file_view('claims_decisions', {
            'path': path, 'format': 'csv', 'file_columns': ['video_id', 'decision', 'decided_at']}) -%}
        {%- set rows = 'global_temp.claims_decisions' -%}
    {%- elif exists -%}
        {%- set rows -%}
        read_csv('{{ quoted }}', header = true, auto_detect = false, delim = ',', quote = '"',
            columns = {'video_id': 'VARCHAR', 'decision': 'VARCHAR', 'decided_at': 'VARCHAR'})
        {%- endset -%}
    {%- else -%}
        {%- set rows -%}
        (select
            cast(null as string) as video_id,
            cast(null as string) as decision,
            cast(null as string) as decided_at
        limit 0)
        {%- endset -%}
    {%- endif -%}
    (select
        video_id,
        decision,
        decided_at,
        -- file order (Spark: one partition per file, ids increasing in file order)
        cast(
            row_number() over ({{ 'order by monotonically_increasing_id()' if is_spark() }})
            as bigint
        ) as source_row_number
    from {{ rows }})
{%- endmacro %}

{#- The decisions file is append-only (a newer row changes a decision), so a daily run reads
    only the rows after those `loaded` holds. Refuses, in a sentence, a file whose first rows
    are no longer the ones loaded (edited, removed or reordered), compared by a hash of each
    row with its number. -#}
{% macro decisions_check_appended(loaded) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set row = run_query(
        "with loaded as (select count(*) as n, max(source_row_number) as last_row,"
        ~ " sum(hash(source_row_number, raw_video_id, raw_decision, raw_decided_at)) as h"
        ~ " from " ~ loaded ~ "),"
        ~ " file as (select count(*) as n, sum(hash(source_row_number, video_id, decision,"
        ~ " decided_at)) as h from " ~ decisions_source()
        ~ " where source_row_number <= (select last_row from loaded))"
        ~ " select loaded.n as loaded_rows, loaded.n = 0 or (loaded.n = file.n and loaded.h = file.h)"
        ~ " as same from loaded, file").rows[0] -%}
    {%- if not row['same'] -%}
        {{ exceptions.raise_compiler_error(
            decisions_path() ~ ' no longer begins with the ' ~ row['loaded_rows']
            ~ ' decisions loaded before (a row was edited, removed or reordered); the file is'
            ~ ' append-only, so nothing was loaded: restore it and append the change as a newer'
            ~ ' row, or reload every decision with'
            ~ ' `dbt build --select int_decisions_checked+ --full-refresh`.') }}
    {%- endif -%}
{%- endmacro %}

{#- Drift: the features watched, one row per report and feature (value_num for numbers,
    value_cat for categories). `reports` has the report columns and claim_probability. -#}
{% macro drift_values(reports) -%}
    select batch_id, 'video_duration_sec' as feature,
        cast(video_duration_sec as double) as value_num, cast(null as varchar) as value_cat
    from {{ reports }}
    union all
    select batch_id, 'transcription_length', cast(length(video_transcription_text) as double), null
    from {{ reports }}
    union all
    select batch_id, 'verified_status', null, coalesce(verified_status, 'missing')
    from {{ reports }}
    union all
    select batch_id, 'claim_probability', claim_probability, null
    from {{ reports }}
{%- endmacro %}

{#- Each drift value of `values` with its bin in `bins` (feature, bin_number, is_numeric_bin,
    lower_edge, bin_label): a number falls in the bin with the greatest lower edge at or below
    it (the first bin has none), a category or a missing value in the bin of that label. A
    value in no training bin (a category training never saw) gets none. An ASOF join: a range
    join pairs every value with every bin of its feature (out of memory at 10M reports). -#}
{% macro drift_binned(values, bins) -%}
    select
        {{ values }}.batch_id,
        {{ values }}.feature,
        numeric_bins.bin_number
    from {{ values }}
    asof inner join (
        select
            feature,
            bin_number,
            coalesce(lower_edge, cast('-infinity' as double)) as lower_edge
        from {{ bins }}
        where is_numeric_bin
    ) as numeric_bins
        on
            {{ values }}.feature = numeric_bins.feature
            and {{ values }}.value_num >= numeric_bins.lower_edge
    union all
    select
        {{ values }}.batch_id,
        {{ values }}.feature,
        label_bins.bin_number
    from {{ values }}
    inner join {{ bins }} as label_bins
        on
            {{ values }}.feature = label_bins.feature
            and not label_bins.is_numeric_bin
            and coalesce({{ values }}.value_cat, 'missing') = label_bins.bin_label
    where {{ values }}.value_num is null
{%- endmacro %}

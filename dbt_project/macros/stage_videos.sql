{#- The staging SQL of the raw videos file: ONE definition, run by the staging models and by
    tiktok_claims.ingest.stage_file (which renders this file with plain Jinja, so these macros
    use no dbt functions: relations and the header's select list come in as arguments). -#}

{#- Column groups, as comma-separated text (a macro returns text in plain Jinja and dbt). -#}
{% macro stage_column_list(group) -%}
    {%- if group == 'counts' -%}
        video_duration_sec,video_view_count,video_like_count,video_share_count,video_download_count,video_comment_count
    {%- elif group == 'categories' -%}
        claim_status,verified_status,author_ban_status
    {%- else -%}
        row_id,video_id,claim_status,video_duration_sec,video_transcription_text,verified_status,author_ban_status,video_view_count,video_like_count,video_share_count,video_download_count,video_comment_count
    {%- endif -%}
{%- endmacro %}

{#- Raw text cell -> NULL when empty or the file's missing marker '#N/A'. -#}
{% macro stage_missing(column) -%}
    nullif(nullif(trim({{ column }}), ''), '#N/A')
{%- endmacro %}

{#- Text -> double, NULL unless it is a plain decimal number ('12', '-3.5', '343296.0', '1e6').
    The pattern decides, not the engine's cast: DuckDB and Spark accept different extras
    ('1d', '1_000', 'Infinity'), and dbt-spark's non-ANSI cast turns errors into NULL. -#}
{% macro stage_number(text, engine) -%}
    {%- set pattern = '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?' -%}
    case when
        {%- if engine == 'spark' %} {{ text }} rlike '^{{ pattern }}$'
        {%- else %} regexp_full_match({{ text }}, '{{ pattern }}')
        {%- endif %} then try_cast({{ text }} as double) end
{%- endmacro %}

{#- A whole-number double -> `type`, NULL when fractional or outside (low, high): no engine
    rounding (DuckDB rounds 1.7 to 2, Spark truncates to 1). `% 1` (not floor, which is a
    bigint on Spark and overflows) finds fractions. -#}
{% macro stage_whole(number, type, high) -%}
    cast(case when {{ number }} % 1 = 0 and {{ number }} between -{{ high }} and {{ high }}
        then {{ number }} end as {{ type }})
{%- endmacro %}

{#- One pass over the rows DuckDB read: type every value, record why a row can't be trusted.
    select_list: (expression on the source, staged name) pairs from the header check.
    engine: 'duckdb' or 'spark'. On DuckDB rows are numbered in scan order and
    stage_videos_structural renumbers them around the structural rejects, which are only known
    once the scan has run. Spark's CSV reader returns a broken record as a row with its text in
    `corrupt_column` (PERMISSIVE mode), numbered in file order like the others. -#}
{% macro stage_videos_base(
    source, select_list, category_values, engine='duckdb', corrupt_column=none, after_write=false
) -%}
    {%- set stage_counts = stage_column_list('counts').split(',') -%}
    {%- set stage_categories = stage_column_list('categories').split(',') -%}
    {%- set stage_raw_columns = stage_column_list('raw').split(',') -%}
with

source as (

    select
        {%- for expression, name in select_list %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        {%- if engine == 'spark' %}
        {{ corrupt_column or 'cast(null as string)' }} as malformed_record,
        -- one CSV partition when multiLine is on: ids increase in file order
        row_number() over (order by monotonically_increasing_id()) as scan_row_number
        {%- elif after_write %}
        cast(null as string) as malformed_record,
        -- numbered after the write, by insertion order (stage_videos_number)
        cast(null as bigint) as scan_row_number
        {%- else %}
        cast(null as string) as malformed_record,
        row_number() over () as scan_row_number
        {%- endif %}
    from {{ source }}

),

cleaned as (

    select
        source.scan_row_number,
        source.malformed_record,
        {%- for column in stage_raw_columns %}
        source.{{ column }} as raw_{{ column }},
        {%- endfor %}
        {{ stage_number(stage_missing('source.row_id'), engine) }} as row_id_num,
        {{ stage_missing('source.video_id') }} as video_id_clean,
        {{ stage_number(stage_missing('source.video_id'), engine) }} as video_id_num,
        {%- for column in stage_categories %}
        lower({{ stage_missing('source.' ~ column) }}) as {{ column }}_key,
        {%- if after_write %}
        -- a lookup, not a join: a join does not keep the scan's order, which numbers the rows
        (
            select map(list(alias), list(value)) from {{ category_values }}
            where column_name = '{{ column }}'
        )[lower({{ stage_missing('source.' ~ column) }})] as {{ column }},
        {%- else %}
        {{ column }}_values.value as {{ column }},
        {%- endif %}
        {%- endfor %}
        {%- for column in stage_counts %}
        {{ stage_missing('source.' ~ column) }} as {{ column }}_clean,
        {{ stage_number(stage_missing('source.' ~ column), engine) }} as {{ column }}_num,
        {%- endfor %}
        {{ stage_missing('source.video_transcription_text') }} as video_transcription_text

    from source
    {%- for column in stage_categories if not after_write %}
    left join {{ category_values }} as {{ column }}_values
        on
            {{ column }}_values.column_name = '{{ column }}'
            and lower({{ stage_missing('source.' ~ column) }}) = {{ column }}_values.alias
    {%- endfor %}

),

-- a value outside +-1e300 is infinite (portable: no isfinite). `% 1` finds fractions: floor
-- is a bigint on Spark and overflows
checked as (

    select
        *,
        case
            when malformed_record is not null
                then 'malformed record: the CSV reader could not split it into the header fields'
            when video_id_clean is null then 'missing video_id'
            when
                video_id_num is null
                or not (video_id_num between -9.2e18 and 9.2e18)
                or video_id_num % 1 != 0
                then 'non-numeric video_id'
            {%- for column in stage_counts %}
            when
                {{ column }}_clean is not null
                and ({{ column }}_num is null or not ({{ column }}_num between -1e300 and 1e300))
                then 'non-numeric {{ column }}'
            when {{ column }}_num < 0 then 'negative {{ column }}'
            when {{ column }}_num % 1 != 0 then 'non-integer {{ column }}'
            when {{ column }}_num > {{ 2147483647 if column == 'video_duration_sec' else 9.2e18 }}
                then 'out-of-range {{ column }}'
            {%- endfor %}
            when claim_status_key is not null and claim_status is null
                then 'unknown claim_status'
            when verified_status is null then 'unknown verified_status'
            when author_ban_status is null then 'unknown author_ban_status'
        end as row_defect,
        {{ stage_whole('video_id_num', 'bigint', '9.2e18') }} as video_id

    from cleaned

),

-- the first valid row of each repeated video_id wins. One window over the checked rows: a
-- join back to the repeated ids made DuckDB materialize every checked row (raw text too) and
-- read it twice, ~40% slower at 10M rows
flagged as (

    select
        *,
        {%- if after_write %}
        -- repeated ids are flagged after the write (stage_videos_duplicates)
        row_defect as rejection_reason
        {%- else %}
        coalesce(
            row_defect,
            case
                when scan_row_number > min(case when row_defect is null then scan_row_number end)
                    over (partition by video_id)
                    then 'duplicate video_id'
            end
        ) as rejection_reason
        {%- endif %}

    from checked

),

final as (

    select
        -- provenance: the record's number among the file's data records; the physical line
        -- and the raw record text are set for structural rejects only
        cast(scan_row_number as bigint) as source_row_number,
        cast(null as bigint) as source_line,
        rejection_reason,

        -- typed values (meaningful when rejection_reason is null)
        coalesce({{ stage_whole('row_id_num', 'bigint', '9.2e18') }}, scan_row_number) as row_id,
        video_id,
        claim_status,
        {{ stage_whole('video_duration_sec_num', 'integer', '2147483647') }} as video_duration_sec,
        {%- for column in stage_counts[1:] %}
        {{ stage_whole(column ~ '_num', 'bigint', '9.2e18') }} as {{ column }},
        {%- endfor %}
        video_transcription_text,
        verified_status,
        author_ban_status,

        -- raw values as read (text), for rejected rows only; a malformed record as a whole
        malformed_record as raw_record,
        {%- for column in stage_raw_columns %}
        case
            when rejection_reason is not null and malformed_record is null then raw_{{ column }}
        end as raw_{{ column }},
        {%- endfor %}
        rejection_reason is not null as is_rejected

    from flagged

)

select * from final
{%- endmacro %}

{#- The statements after a base select rendered with after_write (DuckDB): the windows that
    number the rows and find repeated ids would hold every wide row, raw text too (26 s of
    55 s at 10M rows); narrow updates of the written table replace them.
    First: number the rows by insertion order, which is the file's (preserve_insertion_order;
    the select keeps the scan's order, which tests/test_ingest_scale.py checks at 2M rows).
    Row ids count up from a start that differs inside the transaction that wrote the table
    and after it (the dbt post-hook runs after the commit). A row without a '#' cell takes
    that number as row_id. -#}
{% macro stage_videos_number(base) -%}
update {{ base }} set source_row_number = rowid - written.first_rowid + 1
from (select min(rowid) as first_rowid from {{ base }}) as written;

-- only the rows that need it: every updated value is read through a version layer until the
-- next checkpoint
update {{ base }} set row_id = source_row_number where row_id is null
{%- endmacro %}

{#- Then stage_videos_structural (CSV: renumbers around the structural rejects, keeping the
    order), then this: of each repeated video_id the first valid row is kept and the others
    are rejected. A duplicate passed every check, so its raw_* columns are its staged values
    as text. -#}
{% macro stage_videos_duplicates(base) -%}
    {%- set stage_raw_columns = stage_column_list('raw').split(',') -%}
update {{ base }} set
    rejection_reason = 'duplicate video_id',
    is_rejected = true,
    {%- for column in stage_raw_columns %}
    raw_{{ column }} = cast({{ base }}.{{ column }} as varchar){{ ',' if not loop.last }}
    {%- endfor %}
from (
    select
        video_id,
        min(source_row_number) as first_row
    from {{ base }}
    where rejection_reason is null
    group by video_id
    having count(*) > 1
) as firsts
where
    {{ base }}.video_id = firsts.video_id
    and {{ base }}.rejection_reason is null
    and {{ base }}.source_row_number > firsts.first_row
{%- endmacro %}

{#- Every statement after a base select rendered with after_write, in order, separated by
    ';': number the rows, add the structural rejects of a CSV scan at `path` (none for
    Parquet: path none), flag repeated ids. The dbt post-hook and stage_file both run this. -#}
{% macro stage_videos_after_write(base, path=none) -%}
{{ stage_videos_number(base) }};
{%- if path is not none %}
{{ stage_videos_structural(base, path) }};
{%- endif %}
{{ stage_videos_duplicates(base) }}
{%- endmacro %}

{#- After the scan (same connection): DuckDB's rejects_table holds the records it could not
    split into the header's fields. Add one row per such record to `base`, with its raw text,
    physical line and a reason, then renumber the scanned rows around them. DuckDB's `line` counts
    records (the header is 1), so record number = line - 1. Statements separated by ';'.
    An inbox batch names its own rejects table and touches only its rows of `base`; `batch` is
    a query giving its key columns (batch_id, file_name, file_sha256, batch_seq, loaded_at). -#}
{% macro stage_videos_structural(
    base, path, errors='tiktok_reject_errors', batch_id=none, batch=none) -%}
create or replace temp table stage_videos_rejects as
with errors as (
    select
        line - 1 as source_row_number,
        arg_min(line_byte_position, column_idx) as line_byte_position,
        arg_min(error_type, column_idx) as error_type,
        arg_min(error_message, column_idx) as error_message,
        arg_min(csv_line, column_idx) as csv_line
    from {{ errors }}
    where scan_id = (select max(scan_id) from {{ errors }})
    group by line
),
records as (
    select
        *,
        -- after a CRLF the reported line starts at the '\n'
        case when left(csv_line, 1) = chr(10) then 1 else 0 end as lead_newline,
        regexp_extract(error_message, 'Expected Number of Columns: (\d+)', 1) as expected,
        regexp_extract(error_message, 'Found: (\d+)', 1) as found
    from errors
)
select
    source_row_number,
    row_number() over (order by source_row_number) as reject_rank,
    tiktok_claims_physical_line('{{ path }}', cast(line_byte_position + lead_newline as bigint)) as source_line,
    substr(csv_line, 1 + lead_newline) as raw_record,
    case
        when error_type in ('MISSING COLUMNS', 'TOO MANY COLUMNS')
            then expected || ' fields expected, ' || found || ' found'
                || case
                    when found = '1' and substr(csv_line, 1 + lead_newline) like '"%"'
                        then ' (the whole line is wrapped in quotes)'
                    else ''
                end
        when error_type = 'INVALID ENCODING' then 'invalid UTF-8'
        when error_type = 'UNQUOTED VALUE'
            then 'unterminated quote: it swallows the rest of the file, '
                || cast(length(rtrim(csv_line, chr(13) || chr(10)))
                    - length(replace(rtrim(csv_line, chr(13) || chr(10)), chr(10), '')) + 1
                    - lead_newline as varchar)
                || ' line(s), quarantined as one record'
        when error_type = 'LINE SIZE OVER MAXIMUM' then 'line too long'
        else lower(error_type)
    end as rejection_reason
from records;

update {{ base }} set source_row_number = {{ base }}.source_row_number + shifts.shift
from (
    select
        reject_rank as shift,
        source_row_number - reject_rank as after_row,
        lead(source_row_number - reject_rank) over (order by reject_rank) as through_row
    from stage_videos_rejects
) as shifts
where
    {{ base }}.source_row_number > shifts.after_row
    and ({{ base }}.source_row_number <= shifts.through_row or shifts.through_row is null)
    {%- if batch_id is not none %}
    and {{ base }}.batch_id = '{{ batch_id }}'
    {%- endif %};

insert into {{ base }} (
    {%- if batch_id is not none %}
    batch_id, file_name, file_sha256, batch_seq, loaded_at,
    {%- endif %}
    source_row_number, source_line, rejection_reason, raw_record, is_rejected
)
select
    {%- if batch_id is not none %}
    batch_id, file_name, file_sha256, batch_seq, loaded_at,
    {%- endif %}
    source_row_number, source_line, rejection_reason, raw_record, true
from stage_videos_rejects
{%- if batch_id is not none %}
cross join ({{ batch }}) as batch
{%- endif %}
{%- endmacro %}

{#- The valid rows, typed. claim_status NULL = unlabeled (kept for scoring). -#}
{% macro stage_videos_staged(base, keys=[]) -%}
    {%- set stage_counts = stage_column_list('counts').split(',') -%}
    {%- set stage_categories = stage_column_list('categories').split(',') -%}
    {%- set stage_raw_columns = stage_column_list('raw').split(',') -%}
select
    -- identifiers
    {%- for key in keys %}
    {{ key }},
    {%- endfor %}
    source_row_number,
    row_id,
    video_id,

    -- label
    claim_status,
    claim_status is not null as is_labeled,
    case claim_status when 'claim' then true when 'opinion' then false end as is_claim,

    -- video and author
    video_duration_sec,
    video_transcription_text,
    verified_status,
    verified_status = 'verified' as is_verified,
    author_ban_status,

    -- engagement counts
    {%- for column in stage_counts[1:] %}
    {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ base }}
where rejection_reason is null
{%- endmacro %}

{#- The quarantine: where each record was, what it said, why it was rejected. -#}
{% macro stage_videos_rejected(base, keys=[]) -%}
    {%- set stage_counts = stage_column_list('counts').split(',') -%}
    {%- set stage_categories = stage_column_list('categories').split(',') -%}
    {%- set stage_raw_columns = stage_column_list('raw').split(',') -%}
select
    {%- for key in keys %}
    {{ key }},
    {%- endfor %}
    source_row_number,
    source_line,
    rejection_reason,

    -- the record as read: its whole text for a structural reject, else each value as text
    raw_record,
    {%- for column in stage_raw_columns %}
    raw_{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ base }}
where is_rejected
{%- endmacro %}

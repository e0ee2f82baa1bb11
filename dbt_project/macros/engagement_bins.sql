{#- Engagement bins and metric labels come from the seeds (seeds/engagement_bin_edges.csv,
    seeds/metric_labels.csv): the ONE definition used by fct_videos, the engagement_bins mart
    and the figures. A bin runs from lower_bound (inclusive) to upper_bound (exclusive). -#}

{#- [(bin_order, lower_bound, bin_label), ...] of one metric, read from the seed when the model
    runs; empty before the seed is loaded (parsing, linting, unit tests). A CASE on these edges costs a
    fraction of a range join at 10M rows. -#}
{% macro engagement_bin_list(metric) -%}
    {%- set edges = ref('engagement_bin_edges') -%}
    {%- if not execute or model.resource_type == 'unit_test' or load_relation(edges) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set rows = run_query(
        "select bin_order, lower_bound, bin_label from " ~ edges
        ~ " where metric = '" ~ metric ~ "' order by bin_order"
    ).rows -%}
    {{ return(rows | map('list') | list) }}
{%- endmacro %}

{#- Label of the bin that `metric` (of `relation`, if given) falls in; NULL stays NULL. -#}
{% macro engagement_bin_label(metric, relation=none) -%}
    {%- set expression = relation ~ '.' ~ metric if relation else metric %}
    case
        {%- for bin in engagement_bin_list(metric) | reverse %}
        when {{ expression }} >= {{ bin[1] }} then '{{ bin[2] }}'
        {%- endfor %}
        when {{ expression }} is null then null
    end
{%- endmacro %}

{#- Sort key (1 = lowest bin) of the bin that `metric` falls in; NULL stays NULL. -#}
{% macro engagement_bin_order(metric, relation=none) -%}
    {%- set expression = relation ~ '.' ~ metric if relation else metric %}
    case
        {%- for bin in engagement_bin_list(metric) | reverse %}
        when {{ expression }} >= {{ bin[1] }} then {{ bin[0] }}
        {%- endfor %}
        when {{ expression }} is null then null
    end
{%- endmacro %}

{#- Every bin of every metric as rows: metric, metric_label, bin_order, bin_label,
    lower_bound, upper_bound (NULL for the open last bin). -#}
{% macro engagement_bin_rows() -%}
    select
        bins.metric,
        labels.label as metric_label,
        bins.bin_order,
        bins.bin_label,
        bins.lower_bound,
        bins.upper_bound
    from {{ ref('engagement_bin_edges') }} as bins
    inner join {{ ref('metric_labels') }} as labels on bins.metric = labels.metric
{%- endmacro %}

{#- The five count metrics of `relation` stacked into one long table (non-null values only):
    video_id, claim_status, metric, metric_label, metric_order, metric_value, bin_order. -#}
{% macro count_metrics_long(relation) -%}
    select
        long.video_id,
        long.claim_status,
        long.metric,
        labels.label as metric_label,
        labels.metric_order,
        long.metric_value,
        long.bin_order
    from (
        {%- for metric in count_columns() %}
        {% if not loop.first %}union all {% endif -%}
        select
            video_id,
            claim_status,
            '{{ metric }}' as metric,
            {{ metric }} as metric_value,
            {{ engagement_bin_order(metric) }} as bin_order
        from {{ relation }}
        where {{ metric }} is not null
        {%- endfor %}
    ) as long
    inner join {{ ref('metric_labels') }} as labels on long.metric = labels.metric
{%- endmacro %}

{#- Rows (status_order, status) for one categorical column, from seeds/category_values.csv. -#}
{% macro category_rows(column) -%}
    select distinct
        value_order as status_order,
        value as {{ column }}
    from {{ ref('category_values') }}
    where column_name = '{{ column }}'
{%- endmacro %}

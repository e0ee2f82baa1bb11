{#- Engagement bins: the ONE definition used by fct_videos, the engagement_bins mart and the
    figures. Each metric lists its bin lower bounds; a bin runs from its bound (inclusive) to
    the next (exclusive), and the last is open-ended. Edges are chosen for readability. -#}
{% macro engagement_bin_edges() -%}
    {{ return({
        'video_view_count': [0, 1000, 10000, 100000, 250000, 500000, 750000],
        'video_like_count': [0, 100, 1000, 10000, 50000, 100000, 250000, 500000],
        'video_share_count': [0, 100, 1000, 10000, 50000, 100000],
        'video_download_count': [0, 10, 100, 1000, 5000, 10000],
        'video_comment_count': [0, 10, 100, 1000, 5000],
    }) }}
{%- endmacro %}

{#- Plain-English name of each count metric, for labels and titles. -#}
{% macro count_metric_labels() -%}
    {{ return({
        'video_view_count': 'views',
        'video_like_count': 'likes',
        'video_share_count': 'shares',
        'video_download_count': 'downloads',
        'video_comment_count': 'comments',
    }) }}
{%- endmacro %}

{#- 1000 -> '1k', 1000000 -> '1M', 250 -> '250' -#}
{% macro _short_number(n) -%}
    {%- if n >= 1000000 and n % 1000000 == 0 -%}{{ n // 1000000 }}M
    {%- elif n >= 1000 and n % 1000 == 0 -%}{{ n // 1000 }}k
    {%- else -%}{{ n }}
    {%- endif -%}
{%- endmacro %}

{#- [(bin_order, lower, upper or none, label), ...] for one metric. -#}
{% macro engagement_bin_list(metric) -%}
    {%- set edges = engagement_bin_edges()[metric] -%}
    {%- set bins = [] -%}
    {%- for lower in edges -%}
        {%- if loop.last -%}
            {%- do bins.append((loop.index, lower, none, _short_number(lower) ~ '+')) -%}
        {%- else -%}
            {%- set upper = edges[loop.index] -%}
            {%- do bins.append(
                (loop.index, lower, upper, _short_number(lower) ~ '–' ~ _short_number(upper))
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(bins) }}
{%- endmacro %}

{#- Label of the bin that `metric` (of `relation`, if given) falls in; NULL stays NULL. -#}
{% macro engagement_bin_label(metric, relation=none) -%}
    {%- set expression = relation ~ '.' ~ metric if relation else metric %}
    case
        {%- for bin in engagement_bin_list(metric) | reverse %}
        when {{ expression }} >= {{ bin[1] }} then '{{ bin[3] }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- Sort key (1 = lowest bin) of the bin that `metric` falls in; NULL stays NULL. -#}
{% macro engagement_bin_order(metric, relation=none) -%}
    {%- set expression = relation ~ '.' ~ metric if relation else metric %}
    case
        {%- for bin in engagement_bin_list(metric) | reverse %}
        when {{ expression }} >= {{ bin[1] }} then {{ bin[0] }}
        {%- endfor %}
    end
{%- endmacro %}

{#- Every bin of every metric as rows: metric, metric_label, bin_order, bin_label,
    lower_bound, upper_bound (NULL for the open last bin). -#}
{% macro engagement_bin_rows() -%}
    {%- set labels = count_metric_labels() -%}
    {%- set rows = [] -%}
    {%- for metric in engagement_bin_edges() -%}
        {%- for bin in engagement_bin_list(metric) -%}
            {%- do rows.append((metric, labels[metric]) + bin) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for row in rows %}
    {% if not loop.first %}union all {% endif -%}
    select
        '{{ row[0] }}' as metric,
        '{{ row[1] }}' as metric_label,
        {{ row[2] }} as bin_order,
        '{{ row[5] }}' as bin_label,
        cast({{ row[3] }} as bigint) as lower_bound,
        cast({{ row[4] if row[4] is not none else 'null' }} as bigint) as upper_bound
    {%- endfor %}
{%- endmacro %}

{#- The five count metrics of `relation` stacked into one long table (non-null values only):
    video_id, claim_status, metric, metric_label, metric_order, metric_value, bin_order. -#}
{% macro count_metrics_long(relation) -%}
    {%- set labels = count_metric_labels() -%}
    {%- for metric in count_columns() %}
    {% if not loop.first %}union all {% endif -%}
    select
        video_id,
        claim_status,
        '{{ metric }}' as metric,
        '{{ labels[metric] }}' as metric_label,
        {{ loop.index }} as metric_order,
        {{ metric }} as metric_value,
        {{ engagement_bin_order(metric) }} as bin_order
    from {{ relation }}
    where {{ metric }} is not null
    {%- endfor %}
{%- endmacro %}

{#- Rows (status_order, status) for one categorical column, in the order of category_values(). -#}
{% macro category_rows(column) -%}
    {%- for value in category_values()[column] %}
    {% if not loop.first %}union all {% endif -%}
    select
        {{ loop.index }} as status_order,
        '{{ value }}' as {{ column }}
    {%- endfor %}
{%- endmacro %}

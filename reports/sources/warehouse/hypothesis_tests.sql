-- stats.hypothesis_tests, as dbt built it, with each engagement count's label for readers.
select
    tests.*,
    labels.label_title as metric_label
from stats.hypothesis_tests as tests
left join reference.metric_labels as labels on tests.metric = labels.metric

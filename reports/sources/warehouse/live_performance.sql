-- ml.live_performance, as dbt built it.
select * from ml.live_performance

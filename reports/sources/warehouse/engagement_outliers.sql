-- marts.engagement_outliers, as dbt built it.
select * from marts.engagement_outliers

-- marts.engagement_bins, as dbt built it.
select * from marts.engagement_bins

-- marts.author_ban_status_summary, as dbt built it.
select * from marts.author_ban_status_summary

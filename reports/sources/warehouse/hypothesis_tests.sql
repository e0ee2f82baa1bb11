-- stats.hypothesis_tests, as dbt built it.
select * from stats.hypothesis_tests

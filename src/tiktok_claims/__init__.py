"""tiktok-claims: helpers for the dbt/DuckDB claims warehouse."""

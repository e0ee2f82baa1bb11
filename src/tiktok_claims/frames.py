"""What dbt.ref() gives a Python model, as pandas: the package's model functions accept it all.

dbt-duckdb gives a DuckDB relation, dbt-databricks (and dbt-spark on a cluster) a Spark
DataFrame; tests and notebooks pass pandas.
"""

from __future__ import annotations

import functools

import pandas as pd


def to_pandas(data) -> pd.DataFrame:
    """pandas as is; a DuckDB relation by .df(); a Spark DataFrame by toPandas()."""
    if isinstance(data, pd.DataFrame):
        return data
    if hasattr(data, "toPandas"):  # pyspark.sql.DataFrame (classic or Connect)
        return data.toPandas()
    if hasattr(data, "df"):  # duckdb.DuckDBPyRelation
        return data.df()
    raise TypeError(
        f"expected a pandas DataFrame, DuckDB relation or Spark DataFrame, got {data!r}"
    )


def _is_frame(value) -> bool:
    return isinstance(value, pd.DataFrame) or hasattr(value, "toPandas") or hasattr(value, "df")


def pandas_inputs(func):
    """Convert every table argument of `func` (positional or keyword) with to_pandas."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        args, kwargs = tables_to_pandas(args, kwargs)
        return func(*args, **kwargs)

    return wrapper


def tables_to_pandas(args, kwargs: dict) -> tuple[tuple, dict]:
    """The arguments with every table (positional or keyword) converted with to_pandas."""
    args = tuple(to_pandas(a) if _is_frame(a) else a for a in args)
    return args, {k: to_pandas(v) if _is_frame(v) else v for k, v in kwargs.items()}

"""Train the claim classifier (or reuse the saved one) and return every result table stacked;
the ml.claim_* SQL models each select and type their rows."""

import pandas as pd

from tiktok_claims.ml import train
from tiktok_claims.processes import in_fork


def model(dbt, session):
    features = dbt.ref("claim_features").df()  # read here: the child must not use DuckDB
    # in a fork: the fit then does not share the interpreter lock with dbt's other thread
    tables = in_fork(train.build_tables, features, int(dbt.config.get("seed")))
    return pd.concat(
        [df.convert_dtypes().assign(result_kind=name) for name, df in tables.items()],
        ignore_index=True,
    )

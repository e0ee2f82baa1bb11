"""Train the claim classifier (or reuse the saved one) and return every result table stacked;
the ml.claim_* SQL models each select and type their rows."""

import pandas as pd

from tiktok_claims.processes import in_worker


def model(dbt, session):
    tables = in_worker(
        "tiktok_claims.ml.train:build_tables",
        dbt.ref("claim_features"),
        int(dbt.config.get("seed")),
    )
    return pd.concat(
        [df.convert_dtypes().assign(result_kind=name) for name, df in tables.items()],
        ignore_index=True,
    )

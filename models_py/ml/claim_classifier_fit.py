"""Train the claim classifier once; the ml.claim_* SQL models each select their table from here."""

import pandas as pd

from tiktok_claims.ml import persist, train, workers


def model(dbt, session):
    started = workers.start()  # worker processes start while the features load
    features = dbt.ref("claim_features").df()
    result = train.train(features, seed=int(dbt.config.get("seed")), started=started)
    persist.save(result.champion, result.card)
    # one long table; convert_dtypes keeps each column's type through the stack's gaps
    return pd.concat(
        [t.convert_dtypes().assign(result_kind=kind) for kind, t in result.tables.items()],
        ignore_index=True,
    )

"""Train the claim classifier once; the ml.claim_* models each select their table from here."""

from tiktok_claims.ml import persist, train


def model(dbt, session):
    features = dbt.ref("claim_features").df()
    result = train.train(features, seed=int(dbt.config.get("seed")))
    persist.save(result.champion, result.card)
    return result.long_table()

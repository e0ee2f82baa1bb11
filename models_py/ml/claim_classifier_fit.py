"""Train the claim classifier once; the ml.claim_* models each select their table from here."""

from tiktok_claims import import_lock

with import_lock:
    from tiktok_claims.ml import workers


def model(dbt, session):
    started = workers.start()  # worker processes import sklearn while this one does too
    with import_lock:
        from tiktok_claims.ml import persist, train

    features = dbt.ref("claim_features").df()
    result = train.train(features, seed=int(dbt.config.get("seed")), started=started)
    persist.save(result.champion, result.card)
    return result.long_table()

"""Start the joblib worker processes ahead of the fit: each needs ~1.5 s to import sklearn and
xgboost, which can overlap with the caller's own imports and data loading."""

from __future__ import annotations

from collections.abc import Iterator

from joblib import Parallel, delayed


def _load() -> None:
    import tiktok_claims.ml.train  # noqa: F401  (what the fit's jobs unpickle)


def start(n_jobs: int = 2) -> Iterator[None]:
    """Returns at once; exhaust the result to wait until the workers are ready."""
    return Parallel(n_jobs=n_jobs, return_as="generator")(delayed(_load)() for _ in range(n_jobs))

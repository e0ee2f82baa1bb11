"""The five candidates and their (small, deliberately chosen) search grids."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline

from tiktok_claims.ml.features import FeatureSet, preprocessor
from tiktok_claims.ml.names import BASELINE, DISPLAY_NAMES, RANDOM_FOREST

__all__ = ["BASELINE", "CANDIDATES", "DISPLAY_NAMES", "RANDOM_FOREST", "TEXT_GRID", "pipeline_of"]


class ViewThresholdClassifier(ClassifierMixin, BaseEstimator):
    """One rule: claim when views >= a threshold learned on the training rows.

    The threshold maximises balanced accuracy (recall alone would flag everything).
    The probability is the training claim share on each side of the threshold.
    """

    def __init__(self, column: str = "video_view_count"):
        self.column = column

    def fit(self, X, y):
        views = X[self.column].to_numpy(dtype=float)
        y = np.asarray(y)
        self.classes_ = np.array([0, 1])
        order = np.argsort(views, kind="stable")
        v, t = views[order], y[order]
        # Cut before position i: rows i.. are called claims.
        cuts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
        claims_above = np.cumsum(t[::-1])[::-1]
        opinions_above = np.cumsum((1 - t)[::-1])[::-1]
        tpr = claims_above[cuts] / max(t.sum(), 1)
        fpr = opinions_above[cuts] / max((1 - t).sum(), 1)
        best = cuts[int(np.argmax(tpr - fpr))]
        self.threshold_ = float(v[best])
        above = views >= self.threshold_
        self.p_above_ = float(y[above].mean()) if above.any() else 1.0
        self.p_below_ = float(y[~above].mean()) if (~above).any() else 0.0
        return self

    def predict_proba(self, X):
        views = X[self.column].to_numpy(dtype=float)
        p = np.where(views >= self.threshold_, self.p_above_, self.p_below_)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)


def pipeline_of(champion) -> Pipeline:
    """The fitted (prep, model) pipeline inside a champion, calibrated or not."""
    if hasattr(champion, "calibrated_classifiers_"):
        champion = champion.calibrated_classifiers_[0].estimator
    if isinstance(champion, FrozenEstimator):  # calibrated on validation, not refit
        champion = champion.estimator
    return champion


@dataclass
class Candidate:
    name: str
    model: object  # seed -> estimator (the `model` step of the pipeline)
    params: dict = field(default_factory=dict)  # model settings, without the `model__` prefix

    def build(self, features: FeatureSet, seed: int) -> Pipeline:
        return Pipeline([("prep", preprocessor(features)), ("model", self.model(seed))])


def _forest(seed: int) -> RandomForestClassifier:
    # Quarter-size bootstrap samples keep each tree cheap: on the real file 50 trees on a
    # quarter make no validation error, as on half, in 2/3 of the time (0.42 s vs 0.63 s).
    # n_jobs None: the joblib context's (train.build_tables runs the fit on one core).
    return RandomForestClassifier(n_estimators=50, max_samples=0.25, random_state=seed)


def _xgboost(seed: int):
    from xgboost import XGBClassifier  # imported when needed: a reused forest never loads it

    # 30 rounds on 64 histogram bins score as 60 on 256 in CV on the real file (recall and F1
    # 1.0 on every fold) at 0.3 of the time; one thread (OpenMP threads spin under load).
    return XGBClassifier(
        n_estimators=30,
        max_bin=64,
        tree_method="hist",
        eval_metric="logloss",
        random_state=seed,
        n_jobs=1,
    )


# The vocabulary size and n-gram range are searched (GridSearchCV); the model settings are
# fixed (C 1 vs 10, alpha 0.1 vs 1 made no CV difference on the real file).
TEXT_GRID = {"prep__text__max_features": [100, 300], "prep__text__ngram_range": [(1, 1), (1, 2)]}
CANDIDATES = [
    Candidate(
        "logistic_regression",
        lambda seed: LogisticRegression(max_iter=2000, random_state=seed),
        {"C": 10.0},
    ),
    Candidate("naive_bayes", lambda seed: MultinomialNB(), {"alpha": 0.1}),
    Candidate(RANDOM_FOREST, _forest, {"min_samples_leaf": 1}),
    Candidate("xgboost", _xgboost, {"max_depth": 6}),
]

"""The four candidates and their (small, deliberately chosen) search grids."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from xgboost import XGBClassifier

from tiktok_claims.ml.features import FeatureSet, preprocessor

BASELINE = "baseline_view_threshold"


class ViewThresholdClassifier(ClassifierMixin, BaseEstimator):
    """One rule: claim when views >= a threshold learned on the training rows.

    The threshold maximises balanced accuracy (recall alone would flag everything).
    The probability is the training claim share on each side of the threshold.
    """

    def __init__(self, column: str = "video_view_count"):
        self.column = column

    def fit(self, X, y):
        views = X[self.column].to_numpy(dtype=float)
        self.fill_ = float(np.nanmedian(views))
        views = np.where(np.isnan(views), self.fill_, views)
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
        views = np.where(np.isnan(views), self.fill_, views)
        p = np.where(views >= self.threshold_, self.p_above_, self.p_below_)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)


@dataclass
class Candidate:
    name: str
    build: object  # (FeatureSet, seed) -> Pipeline
    grid: dict = field(default_factory=dict)
    size: str | None = None  # the parameter successive halving scales (trees, rounds)


def _logistic(features: FeatureSet, seed: int) -> Pipeline:
    # Counts are heavy-tailed: log1p, then scale, before a linear model.
    return Pipeline(
        [
            ("prep", preprocessor(features)),
            ("log1p", FunctionTransformer(np.log1p)),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(max_iter=2000, random_state=seed)),
        ]
    )


def _forest(features: FeatureSet, seed: int) -> Pipeline:
    # Half-size bootstrap samples and 60 trees: validation scores equal 100 full-size trees'
    # on the real file, for ~30% of the fit time.
    forest = RandomForestClassifier(n_estimators=60, max_samples=0.5, random_state=seed, n_jobs=1)
    return Pipeline([("prep", preprocessor(features)), ("model", forest)])


def _xgboost(features: FeatureSet, seed: int) -> Pipeline:
    booster = XGBClassifier(
        n_estimators=150,
        tree_method="hist",
        eval_metric="logloss",
        random_state=seed,
        n_jobs=1,
    )
    return Pipeline([("prep", preprocessor(features)), ("model", booster)])


def _baseline(features: FeatureSet, seed: int) -> ViewThresholdClassifier:
    return ViewThresholdClassifier()


# Grids: the notebook's 72 + 24 candidates collapse to the settings that matter here
# (depth/leaf size/feature share for the forest, depth/rate for boosting).
CANDIDATES = [
    Candidate(BASELINE, _baseline),
    Candidate("logistic_regression", _logistic, {"model__C": [0.1, 1.0, 10.0]}),
    Candidate(
        "random_forest",
        _forest,
        {"model__max_depth": [None, 10], "model__min_samples_leaf": [1, 2]},
        "model__n_estimators",
    ),
    Candidate(
        "xgboost",
        _xgboost,
        {"model__max_depth": [3, 6], "model__learning_rate": [0.1, 0.3]},
        "model__n_estimators",
    ),
]


class IsotonicCalibrated(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose claim probability goes through a fitted isotonic map.

    The map is fit on out-of-fold probabilities from the cross-validation that tuned the
    model, so it is what CalibratedClassifierCV(ensemble=False) fits on those folds,
    without refitting the model once per fold a second time.
    """

    def __init__(self, estimator, calibrator):
        self.estimator = estimator
        self.calibrator = calibrator

    @property
    def classes_(self):
        return self.estimator.classes_

    def predict_proba(self, X):
        p = self.calibrator.predict(self.estimator.predict_proba(X)[:, 1])
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)

"""Claim classifier units on hand-made data: splits, fold matrices, the search, calibration,
the one-rule baseline, model loading."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ParameterGrid, cross_val_predict, cross_validate

from tiktok_claims.ml import features as F
from tiktok_claims.ml import persist
from tiktok_claims.ml import train as T
from tiktok_claims.ml.candidates import CANDIDATES, IsotonicCalibrated, ViewThresholdClassifier
from tiktok_claims.ml.splits import assign_splits, cv_folds, text_groups


def _labeled_rows(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    # Every fifth text repeats one of ten stock phrases; the rest are unique.
    texts = np.array([f"text {i}" for i in range(n)], dtype=object)
    repeated = np.arange(0, n, 5)
    texts[repeated] = [f"stock phrase {i // 5 % 10}" for i in repeated]
    y[repeated] = [int(t[-1]) % 2 for t in texts[repeated]]  # one label per phrase
    return y, pd.Series(texts)


def test_splits_are_60_20_20_stratified_and_keep_text_groups():
    y, texts = _labeled_rows()
    groups = text_groups(texts)
    split = assign_splits(y, groups, seed=7)
    shares = pd.Series(split).value_counts(normalize=True)
    assert shares["train"] == pytest.approx(0.6, abs=0.03)
    assert shares["validation"] == pytest.approx(0.2, abs=0.03)
    assert shares["test"] == pytest.approx(0.2, abs=0.03)
    frame = pd.DataFrame({"y": y, "split": split, "text": texts})
    claim_share = frame.groupby("split")["y"].mean()
    assert (claim_share - y.mean()).abs().max() < 0.03
    assert frame.groupby("text")["split"].nunique().max() == 1
    # Same seed, same split; another seed, another split.
    assert (assign_splits(y, groups, seed=7) == split).all()
    assert (assign_splits(y, groups, seed=8) != split).any()


def test_cv_folds_partition_rows_and_keep_groups():
    y, texts = _labeled_rows(1000, seed=1)
    groups = text_groups(texts)
    folds = cv_folds(y, groups, seed=3)
    held_out = np.concatenate([test for _, test in folds])
    assert sorted(held_out) == list(range(len(y)))
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])


def test_missing_texts_are_singleton_groups():
    groups = text_groups(pd.Series(["a", None, "a", None, "b"]))
    assert groups[0] == groups[2]
    assert len({groups[1], groups[3], groups[0], groups[4]}) == 4


def test_view_threshold_baseline_learns_the_separating_cut():
    X = pd.DataFrame({"video_view_count": [10, 20, 30, 1000, 2000, 3000, 25]})
    y = np.array([0, 0, 0, 1, 1, 1, 0])
    model = ViewThresholdClassifier().fit(X, y)
    assert model.threshold_ == 1000
    assert list(model.predict(pd.DataFrame({"video_view_count": [999, 1000, np.nan]}))) == [
        0,
        1,
        0,
    ]


@pytest.fixture
def saved_model(tmp_path):
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    model = LogisticRegression().fit(X, y)
    persist.save(model, {"training_data_sha256": "abc", "features": ["x"]}, tmp_path)
    return tmp_path, model, X


def test_saved_model_loads_with_its_card(saved_model):
    directory, model, X = saved_model
    loaded, card = persist.load(directory, training_data_sha256="abc")
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert card["library_versions"]["scikit-learn"]
    assert card["created_at"]


def test_tampered_model_file_is_refused(saved_model):
    directory, _, _ = saved_model
    with (directory / persist.MODEL_FILE).open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(persist.ModelMismatchError, match="changed after training"):
        persist.load(directory)


def test_library_version_mismatch_is_refused(saved_model):
    directory, _, _ = saved_model
    card_path = directory / persist.CARD_FILE
    card = json.loads(card_path.read_text())
    card["library_versions"]["scikit-learn"] = "0.0.1"
    card_path.write_text(json.dumps(card))
    with pytest.raises(persist.ModelMismatchError, match=r"scikit-learn 0\.0\.1 \(saved\)"):
        persist.load(directory)


def test_other_training_data_is_refused(saved_model):
    directory, _, _ = saved_model
    with pytest.raises(persist.ModelMismatchError, match="other data"):
        persist.load(directory, training_data_sha256="def")


def _feature_rows(n=600, seed=2):
    """Feature-mart-like inputs: every numeric feature, texts with shared n-grams (and ties)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(int)
    X = pd.DataFrame(
        {c: rng.gamma(2.0, 100.0, n) * (1 + 4 * y) for c in F.FEATURE_SETS["all"].numeric}
    )
    X.loc[rng.random(n) < 0.05, "video_view_count"] = np.nan  # the imputer has work to do
    words = np.array(
        ["someone", "told", "me", "that", "a", "friend", "read", "the", "news", "online", "claim"]
    )
    X[F.TEXT_COLUMN] = [" ".join(rng.choice(words, 8)) for _ in range(n)]
    return X, y


def test_fold_matrices_equal_a_preprocessor_fit_on_each_fold():
    X, y = _feature_rows()
    folds = cv_folds(y, text_groups(X[F.TEXT_COLUMN]), seed=1)
    for feature_set in (F.FEATURE_SETS["all"], F.FEATURE_SETS["engagement_only"]):
        fast = F.fold_matrices(feature_set, X, folds)
        for (fit_rows, eval_rows), (A, B) in zip(folds, fast, strict=True):
            prep = F.preprocessor(feature_set).fit(X.iloc[fit_rows])
            np.testing.assert_array_equal(A, prep.transform(X.iloc[fit_rows]))
            np.testing.assert_array_equal(B, prep.transform(X.iloc[eval_rows]))


def test_search_scores_and_out_of_fold_probabilities_match_sklearn():
    X, y = _feature_rows()
    folds = cv_folds(y, text_groups(X[F.TEXT_COLUMN]), seed=1)
    forest = next(c for c in CANDIDATES if c.name == "random_forest")
    pipeline = forest.build(F.FEATURE_SETS["all"], 0)
    searched = {forest.name: (pipeline, forest.grid, forest.size)}
    fold_data = F.fold_matrices(F.FEATURE_SETS["all"], X, folds)
    result = T._search(searched, X, y, fold_data, folds, n_jobs=1)[forest.name]
    # The chosen setting is reported at full size, and is one of the grid's.
    assert result.params["model__n_estimators"] == pipeline.get_params()["model__n_estimators"]
    grid_points = [dict(p) for p in ParameterGrid(forest.grid)]
    assert {k: v for k, v in result.params.items() if k in forest.grid} in grid_points
    chosen = clone(pipeline).set_params(**result.params)
    oof = cross_val_predict(chosen, X, y, cv=folds, method="predict_proba")[:, 1]
    np.testing.assert_allclose(result.oof, oof)
    recall = cross_validate(chosen, X, y, cv=folds, scoring="recall")["test_score"]
    assert result.cv["recall"] == pytest.approx(recall.mean())
    np.testing.assert_allclose(
        result.model.predict_proba(X), clone(chosen).fit(X, y).predict_proba(X)
    )


def test_isotonic_on_out_of_fold_probabilities_equals_sklearn_calibration():
    X, y = _feature_rows(seed=3)
    X = X.drop(columns=F.TEXT_COLUMN).fillna(0)
    folds = cv_folds(y, np.arange(len(y)), seed=4)
    forest = RandomForestClassifier(n_estimators=20, max_depth=3, random_state=0)
    oof = cross_val_predict(forest, X, y, cv=folds, method="predict_proba")[:, 1]
    ours = IsotonicCalibrated(
        clone(forest).fit(X, y), IsotonicRegression(out_of_bounds="clip").fit(oof, y)
    )
    theirs = CalibratedClassifierCV(forest, method="isotonic", cv=folds, ensemble=False)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.fit(X, y).predict_proba(X))
    assert list(ours.predict(X)) == list(theirs.predict(X))


def test_training_refuses_repeated_video_ids():
    X, y = _feature_rows(n=40)
    features = X.assign(video_id=np.arange(40) % 39, is_labeled=True, is_claim=y.astype(bool))
    with pytest.raises(ValueError, match=r"video_id not unique \(repeated: \[0\]\)"):
        T.train(features, seed=0, n_jobs=1)

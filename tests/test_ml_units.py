"""Claim classifier units on hand-made data: splits, the one-rule baseline, model loading."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from tiktok_claims.ml import persist
from tiktok_claims.ml.candidates import ViewThresholdClassifier
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

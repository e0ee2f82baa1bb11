"""Claim classifier units on hand-made data: splits, the unseen-wording groups, the selection
rules, intervals and curves, model loading, the whole fit (train, then reuse), and scoring."""

import json
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from statsmodels.stats.proportion import proportion_confint

from tiktok_claims.ml import evaluation as E
from tiktok_claims.ml import features as F
from tiktok_claims.ml import persist, scoring
from tiktok_claims.ml import train as T
from tiktok_claims.ml.candidates import ViewThresholdClassifier, pipeline_of
from tiktok_claims.ml.splits import (
    assign_splits,
    cv_folds,
    held_out_families,
    phrasing_family,
    text_groups,
)


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


def test_calibrated_model_is_written_once_and_loads_whole(tmp_path):
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]] * 5), np.array([0, 0, 1, 1] * 5)
    frozen = FrozenEstimator(LogisticRegression().fit(X, y))
    model = CalibratedClassifierCV(frozen, method="isotonic", cv=2).fit(X, y)
    persist.save(model, {"training_data_sha256": "abc"}, tmp_path)
    with zipfile.ZipFile(tmp_path / persist.MODEL_FILE) as saved:
        schema = saved.read("schema.json").decode()
    assert schema.count('"LogisticRegression"') == 1
    assert model.estimator is frozen  # the fitted model given to save is left as it was
    loaded, _ = persist.load(tmp_path)
    assert loaded.estimator is loaded.calibrated_classifiers_[0].estimator
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # what the test guards against: skops alone writes each reference in full
    assert sio.dumps(model).count(b'"LogisticRegression"') == 2


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


def test_opening_pattern_is_the_first_word_after_the_subject():
    texts = pd.Series(
        [
            "a friend read online that x",
            "someone learned from the news that y",
            "my colleagues' view is that z",
            "our thinking is that w",
            "i think that v",
            "a colleague thinks that u",
            None,
        ]
    )
    assert list(phrasing_family(texts)) == [
        "read",
        "learned",
        "view",
        "thinking",
        "think",
        "think",
        "",
    ]


def test_held_out_families_cover_both_classes_and_never_meet_training():
    rng = np.random.default_rng(0)
    claim_words, opinion_words = ["read", "learned", "heard", "saw"], ["think", "feel", "believe"]
    family = pd.Series(
        [rng.choice(claim_words) for _ in range(300)]
        + [rng.choice(opinion_words) for _ in range(300)]
    )
    y = np.r_[np.ones(300, int), np.zeros(300, int)]
    held = held_out_families(family, y, seed=1, share=0.2)
    held_rows = family.isin(held).to_numpy()
    assert set(family[held_rows]) == held and not held & set(family[~held_rows])
    for cls in (0, 1):
        assert (held_rows & (y == cls)).sum() >= 0.2 * (y == cls).sum()
        assert ((~held_rows) & (y == cls)).any()  # the class is still trained on


def test_champion_rule_recall_then_f1_and_exact_ties_go_to_the_forest():
    m = {
        "logistic_regression": {"recall": 1.0, "f1": 1.0},
        "random_forest": {"recall": 1.0, "f1": 1.0},
        "xgboost": {"recall": 0.99, "f1": 0.999},
    }
    assert T.pick_champion(m)[0] == "random_forest"
    m["logistic_regression"]["f1"] = 1.0 + 1e-9  # not an exact tie any more
    assert T.pick_champion(m)[0] == "logistic_regression"
    m["xgboost"] = {"recall": 1.0 + 1e-9, "f1": 0.5}  # recall first
    name, reason = T.pick_champion(m)
    assert name == "xgboost" and "Logistic regression" in reason
    cv = {"mean_test_recall": [0.9, 1.0, 1.0], "mean_test_f1": [0.99, 0.95, 0.97]}
    assert T.recall_then_f1(cv) == 2


def test_wilson_intervals_equal_statsmodels():
    y = np.r_[np.ones(120, int), np.zeros(80, int)]
    p = np.r_[np.ones(110), np.zeros(10), np.ones(7), np.zeros(73)]
    ci = E.intervals(y, p, seed=0)
    tp, fn, fp = 110, 10, 7
    low, high = proportion_confint(tp, tp + fn, alpha=0.05, method="wilson")
    assert (ci["recall_ci_low"], ci["recall_ci_high"]) == pytest.approx((low, high), abs=1e-12)
    low, high = proportion_confint(tp, tp + fp, alpha=0.05, method="wilson")
    assert (ci["precision_ci_low"], ci["precision_ci_high"]) == pytest.approx((low, high))
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert ci["f1_ci_low"] < f1 < ci["f1_ci_high"]
    # a plain row bootstrap gives about the same F1 interval
    rng = np.random.default_rng(1)
    rows = rng.integers(0, len(y), size=(2000, len(y)))
    yb, pb = y[rows] == 1, p[rows] >= 0.5
    tpb = (yb & pb).sum(1)
    f1b = 2 * tpb / (2 * tpb + (~yb & pb).sum(1) + (yb & ~pb).sum(1))
    assert ci["f1_ci_low"] == pytest.approx(np.percentile(f1b, 2.5), abs=0.01)
    assert ci["f1_ci_high"] == pytest.approx(np.percentile(f1b, 97.5), abs=0.01)
    # at zero errors the proportions' intervals are not [1, 1]
    perfect = E.intervals(y, (y == 1).astype(float), seed=0)
    assert perfect["recall_ci_low"] < 1 and perfect["f1_ci_low"] == 1.0


def test_curves_follow_sklearn_and_capacity_counts_the_top():
    rng = np.random.default_rng(2)
    y = (rng.random(400) < 0.4).astype(int)
    p = np.clip(y * 0.6 + rng.random(400) * 0.5, 0, 1)
    curves = E.curves(y, p)
    pr = curves[curves["curve"] == "precision_recall"]
    precision, recall, thresholds = precision_recall_curve(y, p)
    np.testing.assert_allclose(pr["threshold"], thresholds)
    np.testing.assert_allclose(pr["x"], recall[:-1])
    cal = curves[curves["curve"] == "calibration"]
    observed, predicted = calibration_curve(y, p, n_bins=10)
    np.testing.assert_allclose(cal["y"], observed)
    counts = np.histogram(p, bins=np.linspace(0, 1, 11))[0]
    assert list(cal["n"]) == list(counts[counts > 0])
    cap = E.capacity(y, p, queue_size=4000).set_index("daily_capacity")
    assert cap.loc[1000, "test_videos_reviewed"] == 100  # a quarter of the queue
    top = y[np.argsort(-p, kind="stable")][:100]
    assert cap.loc[1000, "precision_at_k"] == top.mean()
    assert cap.loc[1000, "recall_at_k"] == top.sum() / y.sum()


def _features(n=500, seed=3):
    """Feature-mart rows: claims open with 'read'/'learned'/'heard', opinions with
    'think'/'feel'/'believe'; a few unlabeled rows without text."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.5
    topics = ["cats", "the moon", "tea", "rivers", "old maps", "jazz", "bread", "trains"]
    claim = [
        f"a friend {rng.choice(['read', 'learned', 'heard'])} that {rng.choice(topics)} "
        f"has {i} parts"
        for i in range(n)
    ]
    opinion = [
        f"i {rng.choice(['think', 'feel', 'believe'])} that {rng.choice(topics)} is great {i}"
        for i in range(n)
    ]
    frame = pd.DataFrame(
        {
            "video_id": np.arange(n) + 1000,
            "claim_status": np.where(y, "claim", "opinion"),
            "is_labeled": True,
            "is_claim": pd.array(y, dtype="boolean"),
            F.TEXT_COLUMN: np.where(y, claim, opinion),
            "verified_status__verified": (rng.random(n) < 0.1).astype(int),
            "video_duration_sec": rng.integers(5, 60, n).astype(float),
        }
    )
    for c in F.COUNTS:
        frame[c] = rng.gamma(2.0, 100.0, n) * (1 + 9 * y)
    for i, c in enumerate(F.BAN_STATUS):
        frame[c] = (rng.integers(0, 3, n) == i).astype(int)
    unlabeled = frame.index[-10:]
    frame.loc[unlabeled, ["claim_status", "is_claim", F.TEXT_COLUMN]] = None
    frame.loc[unlabeled, "is_labeled"] = False
    return frame


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    directory = tmp_path_factory.mktemp("model")
    tables = T.build_tables(_features(), seed=0, directory=directory, n_jobs=1)
    return directory, tables


def test_fit_saves_a_card_with_report_time_features(fitted):
    directory, tables = fitted
    card = persist.read_card(directory)
    assert card["feature_set"] == "report_time"
    assert card["features"] == [F.TEXT_COLUMN, "verified_status__verified", "video_duration_sec"]
    assert "ban" in card["feature_set_reason"]
    metrics = tables["metrics"]
    champion = metrics[metrics["is_champion"]]
    assert set(champion["split"]) == {"validation", "test", "generalisation"}
    assert (champion[champion["split"] == "test"]["recall"] == 1.0).all()
    ablation = metrics[metrics["is_ablation"]]
    assert set(ablation["feature_set"]) == {"with_engagement", "text_only", "engagement_only"}
    assert set(metrics["model_name"]) == {
        "baseline_view_threshold",
        "logistic_regression",
        "naive_bayes",
        "random_forest",
        "xgboost",
    }


def test_unscorable_rows_get_manual_review_not_a_made_up_score(fitted):
    _, tables = fitted
    predictions = tables["predictions"]
    manual = predictions[predictions["needs_manual_review"]]
    assert len(manual) == 10 and (manual["split"] == "unlabeled").all()
    assert manual["claim_probability"].isna().all() and manual["predicted_label"].isna().all()
    assert (manual["manual_review_reason"] == "no transcription").all()
    assert predictions.loc[~predictions["needs_manual_review"], "claim_probability"].notna().all()


def test_same_data_reuses_the_saved_champion_and_other_data_retrains(fitted, tmp_path):
    directory, tables = fitted
    card = persist.read_card(directory)
    again = T.build_tables(_features(), seed=0, directory=directory, n_jobs=1)
    assert persist.read_card(directory)["created_at"] == card["created_at"]  # not retrained
    pd.testing.assert_frame_equal(again["predictions"], tables["predictions"])
    pd.testing.assert_frame_equal(again["metrics"], tables["metrics"], check_dtype=False)
    other = tmp_path / "other"
    import shutil

    shutil.copytree(directory, other)
    T.build_tables(_features(seed=4), seed=0, directory=other, n_jobs=1)
    assert persist.read_card(other)["training_data_sha256"] != card["training_data_sha256"]


def test_the_fit_runs_on_n_jobs_threads(monkeypatch, tmp_path):
    # in a build dbt has the other core: BLAS, OpenMP and the forest's jobs stay on one
    from joblib.parallel import get_active_backend
    from threadpoolctl import threadpool_info

    seen = []
    fit = T._fit

    def spy(model, X, y):
        pools = {pool["user_api"]: pool["num_threads"] for pool in threadpool_info()}
        seen.append((pools, get_active_backend()[1], model.get_params().get("model__n_jobs")))
        return fit(model, X, y)

    monkeypatch.setattr(T, "_fit", spy)
    T.build_tables(_features(), seed=0, directory=tmp_path, n_jobs=1)
    assert seen
    for pools, active_jobs, model_jobs in seen:
        assert set(pools.values()) <= {1} and active_jobs == 1 and model_jobs in (None, 1)


def test_training_refuses_repeated_video_ids():
    features = _features(n=40)
    features["video_id"] = np.arange(40) % 39
    with pytest.raises(ValueError, match=r"video_id not unique \(repeated: \[0\]\)"):
        T.build_tables(features, seed=0, n_jobs=1)


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_duckdb_tfidf_equals_sklearn(ngram_range):
    import duckdb

    texts = [
        "Someone READ that 2 cats_x eat 10% of a café's bread!",
        "naïve  views, i think; it's a  b c",
        "a",
        "the news said—über 1,000 trains run",
        "unknown words only zzz qqq",
    ] * 3
    vectorizer = TfidfVectorizer(ngram_range=ngram_range, max_features=25).fit(texts[:10])
    assert scoring._tfidf_supported(vectorizer)
    with duckdb.connect() as con:
        con.register("docs", pd.DataFrame({"rid": range(len(texts)), "text": texts}))
        ours = scoring._tfidf_sql(con, vectorizer)
    np.testing.assert_allclose(ours.toarray(), vectorizer.transform(texts).toarray(), atol=1e-12)


def test_calibration_is_an_isotonic_map_of_validation_scores_graded_out_of_fold():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.frozen import FrozenEstimator
    from sklearn.isotonic import IsotonicRegression

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(900, 4)), columns=list("abcd"))
    y = (X["a"] + rng.normal(scale=1.0, size=900) > 0).astype(int).to_numpy()  # noisy
    fitted = RandomForestClassifier(n_estimators=20, random_state=0).fit(X[:600], y[:600])
    X_va, y_va = X[600:].reset_index(drop=True), y[600:]
    folds = cv_folds(y_va, np.arange(300), 0, 3)
    ours, out_of_fold = T.calibrate(fitted, X_va, y_va, folds, fitted.predict_proba(X_va)[:, 1])
    assert pipeline_of(ours) is fitted  # frozen: not refit

    # the map: isotonic regression of the labels on the model's validation scores
    probe = pd.DataFrame(rng.normal(size=(200, 4)), columns=list("abcd"))
    iso = IsotonicRegression(out_of_bounds="clip").fit(fitted.predict_proba(X_va)[:, 1], y_va)
    expected = iso.predict(fitted.predict_proba(probe)[:, 1])
    assert len(np.unique(expected)) > 5  # a real isotonic map, not all 0 or 1
    np.testing.assert_allclose(ours.predict_proba(probe)[:, 1], expected)

    # out of fold: what the primitive, fitted on the other folds, gives each fold
    for train_rows, test_rows in folds:
        primitive = CalibratedClassifierCV(FrozenEstimator(fitted), method="isotonic")
        primitive.fit(X_va.iloc[train_rows], y_va[train_rows])
        np.testing.assert_allclose(
            out_of_fold[test_rows], primitive.predict_proba(X_va.iloc[test_rows])[:, 1]
        )


def test_calibration_takes_a_validation_split_with_few_claims():
    from sklearn.ensemble import RandomForestClassifier

    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=list("abc"))
    fitted = RandomForestClassifier(n_estimators=5, random_state=0)
    fitted.fit(X[:150], (X["a"][:150] > 0).astype(int))
    X_va, y_va = X[150:].reset_index(drop=True), np.r_[np.ones(3, int), np.zeros(47, int)]
    folds = cv_folds(y_va, np.arange(50), 0, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sklearn's default 5 folds warn (3 claims < 5)
        scores = fitted.predict_proba(X_va)[:, 1]
        calibrated, out_of_fold = T.calibrate(fitted, X_va, y_va, folds, scores)
    assert len(out_of_fold) == 50 and calibrated.predict_proba(X_va).shape == (50, 2)


@pytest.mark.parametrize("max_features", [None, 4, 25])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 2)])
def test_counted_tfidf_equals_sklearn(ngram_range, max_features, monkeypatch):
    texts = pd.Series(
        [
            "Someone READ that 2 cats_x eat 10% of a café's bread!",
            "naïve  views, i think; it's a  b c",
            "a",
            "",
            "the news said über 1,000 trains run the news",
            "cats eat bread, bread eats cats",
        ]
        * 2,
        dtype=object,
    )
    unseen = pd.Series(["bread and cats", "the news said", "zzz"], dtype=object)
    settings = {"ngram_range": ngram_range, "max_features": max_features}
    expected = TfidfVectorizer(**settings).fit(texts[:8])
    with F.counted_once(texts), monkeypatch.context() as patch:
        # inside the block no counted text is tokenised again
        patch.setattr(F.CountedTfidfVectorizer, "build_analyzer", None)
        ours = F.CountedTfidfVectorizer(**settings).fit(texts[:8])
        counted = ours.transform(texts)
        patch.undo()
        fallback = ours.transform(unseen)  # texts outside the matrix: sklearn's own counting
    assert ours.vocabulary_ == expected.vocabulary_
    np.testing.assert_array_equal(ours.idf_, expected.idf_)
    np.testing.assert_array_equal(counted.toarray(), expected.transform(texts).toarray())
    np.testing.assert_array_equal(fallback.toarray(), expected.transform(unseen).toarray())
    assert not F._corpus  # the matrix is gone after the block


RAW_HEADER = (
    "#,claim_status,video_id,video_duration_sec,video_transcription_text,verified_status,"
    "author_ban_status,video_view_count,video_like_count,video_share_count,"
    "video_download_count,video_comment_count\n"
)


def _raw(path, lines):
    path.write_text(RAW_HEADER + "".join(line + "\n" for line in lines))
    return path


def test_score_file_scores_flags_and_rejects(fitted, tmp_path):
    directory, _ = fitted
    raw = _raw(
        tmp_path / "in.csv",
        [
            "1,claim,11,20,a friend read that tea has 3 parts,not verified,active,1,1,1,1,1",
            "2,,12,30,i feel that jazz is great,verified,banned,#N/A,#N/A,#N/A,#N/A,#N/A",
            "3,,13,#N/A,#N/A,not verified,active,#N/A,#N/A,#N/A,#N/A,#N/A",
            "4,claim,abc,20,bad id,not verified,active,1,1,1,1,1",
            "5,claim,11,20,duplicate id,not verified,active,1,1,1,1,1",
        ],
    )
    out, rows, rejected = scoring.score_file(raw, tmp_path / "out.parquet", directory)
    scored = pd.read_parquet(out)
    assert list(scored.columns) == list(scoring.OUTPUT_COLUMNS)
    assert rows == 3 and list(scored["video_id"]) == [11, 12, 13]
    assert list(scored["predicted_label"][:2]) == ["claim", "opinion"]
    assert list(scored["needs_manual_review"]) == [False, False, True]
    assert scored["manual_review_reason"][2] == "no transcription"
    card = persist.read_card(directory)
    assert (scored["model_version"] == scoring.model_version(card)).all()
    assert sorted(rejected["rejection_reason"]) == ["duplicate video_id", "non-numeric video_id"]
    assert rows + len(rejected) == 5  # every input line is scored, flagged or rejected
    reported = pd.read_csv(tmp_path / "out.rejected.csv")
    assert list(reported["source_row_number"]) == [4, 5]
    # the same probabilities as the saved pipeline's own predict_proba
    model, _ = persist.load(directory)
    frame = pd.DataFrame(
        {
            F.TEXT_COLUMN: ["a friend read that tea has 3 parts", "i feel that jazz is great"],
            "verified_status__verified": [0, 1],
            "video_duration_sec": [20.0, 30.0],
        }
    )
    np.testing.assert_allclose(scored["claim_probability"][:2], model.predict_proba(frame)[:, 1])


def test_score_file_bad_input_is_one_sentence(fitted, tmp_path):
    directory, _ = fitted
    cases = {
        "empty.csv": ("", "empty.csv is empty"),
        "header.csv": (RAW_HEADER, "has a header but no data rows"),
        "cols.csv": ("video_id,claim_status\n1,claim\n", "lacks the required column"),
        "rejected.csv": (
            RAW_HEADER + "1,claim,x,20,t,not verified,active,1,1,1,1,1\n",
            "every row was rejected",
        ),
    }
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ValueError, match=expected) as caught:
            scoring.score_file(path, tmp_path / "o.csv", directory)
        message = str(caught.value)
        assert str(path) in message and "\n" not in message and "Error:" not in message


def test_cli_score_refuses_a_changed_model(fitted, tmp_path, capsys):
    import shutil

    from tiktok_claims import cli

    directory = tmp_path / "model"
    shutil.copytree(fitted[0], directory)
    raw = _raw(tmp_path / "in.csv", ["1,claim,11,20,a friend read x,not verified,active,1,1,1,1,1"])
    assert (
        cli.main(
            ["score", str(raw), "--out", str(tmp_path / "o.csv"), "--model-dir", str(directory)]
        )
        == 0
    )
    # the command stages the file while the model loads: the same rows as score_file's own
    out, _, _ = scoring.score_file(raw, tmp_path / "direct.csv", directory)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "o.csv"), pd.read_csv(out))
    # an error raised by that staging is still one sentence naming the file
    empty = tmp_path / "header_only.csv"
    empty.write_text(RAW_HEADER)
    capsys.readouterr()
    assert cli.main(["score", str(empty), "--model-dir", str(directory)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {empty}") and "no data rows" in err and "\n" not in err
    with (directory / persist.MODEL_FILE).open("ab") as fh:
        fh.write(b"\0")
    capsys.readouterr()
    assert cli.main(["score", str(raw), "--model-dir", str(directory)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "changed after training" in err and "\n" not in err

"""Claim classifier on the real file: tables agree with the predictions, splits are honest,
the model card holds, the champion is good enough, and a rebuild predicts the same."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from tiktok_claims.ml import persist
from tiktok_claims.ml.scoring import score_frame
from tiktok_claims.ml.train import CALIBRATION_METHOD

pytestmark = pytest.mark.real_data
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def predictions(real_build):
    return real_build.df(
        """
        select p.*, f.video_transcription_text, f.is_labeled
        from ml.claim_predictions as p
        inner join marts.claim_features as f using (video_id)
        """
    )


@pytest.fixture(scope="module")
def metrics(real_build):
    return real_build.df("select * from ml.claim_classifier_metrics")


def _counts(frame):
    actual = frame["actual_label"] == "claim"
    called = frame["predicted_label"] == "claim"
    tp, fp = int((actual & called).sum()), int((~actual & called).sum())
    fn, tn = int((actual & ~called).sum()), int((~actual & ~called).sum())
    return tp, fp, fn, tn


def test_every_staged_video_has_exactly_one_prediction(real_build, predictions):
    staged = real_build.df("select video_id from staging.stg_tiktok__videos")
    assert sorted(predictions["video_id"]) == sorted(staged["video_id"])
    unlabeled = predictions[predictions["split"] == "unlabeled"]
    assert len(unlabeled) == 298
    assert unlabeled["actual_label"].isna().all()
    assert (predictions["split"] == "unlabeled").sum() == (~predictions["is_labeled"]).sum()


def test_champion_metrics_equal_a_recount_of_the_predictions(metrics, predictions):
    champion = metrics[metrics["is_champion"] & metrics["split"].isin(["validation", "test"])]
    assert sorted(champion["split"]) == ["test", "validation"]
    assert (predictions["model_name"] == champion["model_name"].iloc[0]).all()
    for row in champion.itertuples():
        tp, fp, fn, tn = _counts(predictions[predictions["split"] == row.split])
        assert row.n == tp + fp + fn + tn
        assert row.accuracy == pytest.approx((tp + tn) / (tp + fp + fn + tn), abs=1e-12)
        assert row.precision == pytest.approx(tp / (tp + fp), abs=1e-12)
        assert row.recall == pytest.approx(tp / (tp + fn), abs=1e-12)
        assert row.f1 == pytest.approx(2 * tp / (2 * tp + fp + fn), abs=1e-12)


def test_confusion_matrix_matches_the_test_predictions(real_build, metrics, predictions):
    champion = metrics[metrics["is_champion"] & (metrics["split"] == "test")].iloc[0]
    cells = real_build.df(
        f"""
        select actual_label, predicted_label, n from ml.claim_confusion_matrix
        where split = 'test' and model_name = '{champion.model_name}'
          and variant = '{champion.variant}'
        """
    ).set_index(["actual_label", "predicted_label"])["n"]
    tp, fp, fn, tn = _counts(predictions[predictions["split"] == "test"])
    assert cells[("claim", "claim")] == tp and cells[("opinion", "claim")] == fp
    assert cells[("claim", "opinion")] == fn and cells[("opinion", "opinion")] == tn


def test_splits_are_stratified_60_20_20_and_keep_identical_texts_together(predictions):
    labeled = predictions[predictions["split"] != "unlabeled"]
    shares = labeled["split"].value_counts(normalize=True)
    assert shares["train"] == pytest.approx(0.6, abs=0.005)
    assert shares["validation"] == pytest.approx(0.2, abs=0.005)
    assert shares["test"] == pytest.approx(0.2, abs=0.005)
    is_claim = labeled["actual_label"] == "claim"
    by_split = is_claim.groupby(labeled["split"]).mean()
    assert (by_split - is_claim.mean()).abs().max() < 0.005
    texts = labeled.dropna(subset=["video_transcription_text"])
    assert texts["video_transcription_text"].duplicated().any()  # the data has repeats
    assert texts.groupby("video_transcription_text")["split"].nunique().max() == 1


def test_vectorizer_vocabulary_comes_from_training_rows_only(real_build, predictions):
    model, card = persist.load(real_build.warehouse.parent / "models")
    pipeline = model.estimator if card["calibration"] != "none" else model
    vocabulary = set(pipeline.named_steps["prep"].named_transformers_["ngram"].vocabulary_)
    train_texts = predictions.loc[predictions["split"] == "train", "video_transcription_text"]
    expected = CountVectorizer(ngram_range=(2, 3), max_features=15).fit(train_texts.fillna(""))
    assert vocabulary == set(expected.vocabulary_)
    everything = predictions["video_transcription_text"].dropna()
    assert len(vocabulary) == 15 and len(everything) > len(train_texts)


def test_saved_model_reproduces_the_predictions(real_build, predictions):
    model, card = persist.load(real_build.warehouse.parent / "models")
    features = real_build.df("select * from marts.claim_features order by video_id")
    scored = score_frame(model, features).merge(predictions, on="video_id", suffixes=("", "_db"))
    np.testing.assert_allclose(scored["claim_probability"], scored["claim_probability_db"])
    assert card["training_rows"] == int((predictions["split"] == "train").sum())


def test_champion_clears_099_recall_and_precision_on_test(metrics):
    test = metrics[metrics["is_champion"] & (metrics["split"] == "test")].iloc[0]
    assert test.recall >= 0.99 and test.precision >= 0.99
    # The baseline is reported on test too, for scale.
    assert (
        (metrics["model_name"] == "baseline_view_threshold") & (metrics["split"] == "test")
    ).any()


def test_ablation_and_calibration_are_recorded(metrics):
    ablation = metrics[metrics["is_ablation"]]
    assert set(ablation["feature_set"]) == {"all", "engagement_only", "text_only", "no_ban_status"}
    calibrations = metrics[metrics["variant"].str.startswith("calibrated_")]
    validation = calibrations[calibrations["split"] == "validation"]
    assert list(validation["variant"]) == [f"calibrated_{CALIBRATION_METHOD}"]
    assert calibrations["note"].str.contains("Brier").all()


def test_moderation_queue_order(real_build):
    queue = real_build.df("select * from marts.moderation_queue order by queue_rank")
    assert list(queue["queue_rank"]) == list(range(1, len(queue) + 1))
    expected = queue.assign(
        opinion=queue["predicted_label"] != "claim",
        # two decimals, halves away from zero as SQL rounds (numpy rounds halves to even)
        shown_p=np.floor(queue["claim_probability"] * 100 + 0.5),
    ).sort_values(
        ["opinion", "shown_p", "video_view_count", "claim_probability", "video_id"],
        ascending=[True, False, False, False, True],
        na_position="last",
        kind="stable",
    )
    assert list(expected["video_id"]) == list(queue["video_id"])
    top = queue.iloc[0]
    assert top["review_reason"].startswith(f"predicted claim, p={top['claim_probability']:.2f}")


def test_two_builds_predict_identically(real_build, real_rebuild):
    sql = "select * from ml.claim_predictions order by video_id"
    pd.testing.assert_frame_equal(real_build.df(sql), real_rebuild.df(sql))


def test_summary_reads_its_numbers_from_the_tables(real_build, metrics, tmp_path, monkeypatch):
    from tiktok_claims.summaries import claim_classifier

    monkeypatch.setenv("CLAIMS_WAREHOUSE", str(real_build.warehouse))
    text = claim_classifier.write(tmp_path).read_text()
    test = metrics[metrics["is_champion"] & (metrics["split"] == "test")].iloc[0]
    assert f"finds **{100 * test.recall:.1f}%** of claims" in text
    assert f"right **{100 * test.precision:.1f}%** of the time" in text
    assert test.model_name.replace("_", " ") in text
    assert "stats.hypothesis_tests" in text


def test_classifier_tables_are_contracted_sql_models(real_build):
    """The fit's outputs are SQL models whose enforced contracts hold the column types."""
    nodes = [n for n in real_build.manifest()["nodes"].values() if n["resource_type"] == "model"]
    outputs = [
        n for n in nodes if n["depends_on"]["nodes"] == ["model.tiktok_claims.claim_classifier_fit"]
    ]
    assert {n["name"] for n in outputs} >= {
        "claim_classifier_metrics",
        "claim_classifier_feature_importance",
        "claim_confusion_matrix",
        "claim_predictions",
    }
    for node in outputs:
        assert node["language"] == "sql" and node["config"]["contract"]["enforced"], node["name"]
        assert all(c["data_type"] for c in node["columns"].values()), node["name"]

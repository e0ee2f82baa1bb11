"""Claim classifier on the real file: tables agree with the predictions, splits are honest,
the model card holds, the champion is good enough on report-time features, the evaluation
tables recount, the score command agrees with the build, and a rebuild predicts the same."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from statsmodels.stats.proportion import proportion_confint

from tiktok_claims.ml import features as F
from tiktok_claims.ml import persist, scoring
from tiktok_claims.ml.candidates import pipeline_of
from tiktok_claims.ml.splits import phrasing_family

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
    # no text, so no score made up from medians: a moderator looks at them
    assert unlabeled["needs_manual_review"].all() and unlabeled["claim_probability"].isna().all()
    assert (unlabeled["manual_review_reason"] == "no transcription").all()
    assert not predictions.loc[predictions["is_labeled"], "needs_manual_review"].any()
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
    vectorizer = pipeline_of(model).named_steps["prep"].named_transformers_["text"]
    train_texts = predictions.loc[predictions["split"] == "train", "video_transcription_text"]
    expected = TfidfVectorizer(
        max_features=card["params"]["prep__text__max_features"],
        ngram_range=tuple(card["params"]["prep__text__ngram_range"]),
    ).fit(train_texts.fillna(""))
    assert vectorizer.vocabulary_ == expected.vocabulary_
    np.testing.assert_allclose(vectorizer.idf_, expected.idf_)


def test_card_lists_report_time_features_only(real_build):
    card = persist.read_card(real_build.warehouse.parent / "models")
    assert card["feature_set"] == "report_time"
    assert card["features"] == [F.TEXT_COLUMN, "verified_status__verified", "video_duration_sec"]
    assert not set(card["features"]) & {*F.COUNTS, *F.BAN_STATUS}
    assert "ban" in card["feature_set_reason"] and len(card["training_data_sha256"]) == 64


def test_saved_model_reproduces_the_predictions(real_build, predictions):
    model, card = persist.load(real_build.warehouse.parent / "models")
    features = real_build.df("select * from marts.claim_features where is_labeled")
    p = model.predict_proba(F.prepare(features))[:, 1]
    merged = pd.DataFrame({"video_id": features["video_id"], "p": p}).merge(predictions)
    np.testing.assert_allclose(merged["p"], merged["claim_probability"])
    assert card["training_rows"] == int((predictions["split"] == "train").sum())


def test_champion_clears_0999_recall_and_precision_on_test(metrics):
    test = metrics[metrics["is_champion"] & (metrics["split"] == "test")].iloc[0]
    assert test.feature_set == "report_time"
    assert test.recall >= 0.999 and test.precision >= 0.999
    models = set(metrics.loc[metrics["split"] == "test", "model_name"])
    assert models == {
        "baseline_view_threshold",
        "logistic_regression",
        "naive_bayes",
        "random_forest",
        "xgboost",
    }


def test_test_intervals_are_wilson_and_contain_the_scores(real_build, metrics, predictions):
    test = metrics[metrics["is_champion"] & (metrics["split"] == "test")].iloc[0]
    tp, fp, fn, _ = _counts(predictions[predictions["split"] == "test"])
    assert (test.recall_ci_low, test.recall_ci_high) == pytest.approx(
        proportion_confint(tp, tp + fn, method="wilson")
    )
    assert (test.precision_ci_low, test.precision_ci_high) == pytest.approx(
        proportion_confint(tp, tp + fp, method="wilson")
    )
    assert test.f1_ci_low <= test.f1 <= test.f1_ci_high


def test_ablation_generalisation_and_calibration_are_recorded(real_build, metrics, predictions):
    ablation = metrics[metrics["is_ablation"]]
    assert set(ablation["feature_set"]) == {"with_engagement", "text_only", "engagement_only"}
    assert ((ablation["feature_set"] == "with_engagement") & (ablation["split"] == "test")).any()
    gen = metrics[metrics["is_champion"] & (metrics["split"] == "generalisation")].iloc[0]
    card = persist.read_card(real_build.warehouse.parent / "models")
    held = set(card["held_out_opening_patterns"])
    labeled = predictions[predictions["is_labeled"]]
    family = phrasing_family(labeled["video_transcription_text"])
    assert gen.n == int(family.isin(held).sum())
    assert {"claim", "opinion"} <= set(labeled.loc[family.isin(held).to_numpy(), "actual_label"])
    assert gen.recall_ci_low <= gen.recall and gen.precision_ci_low <= gen.precision
    calibrated = metrics[metrics["variant"] == "calibrated_isotonic"]
    assert calibrated["note"].str.contains("Brier").any()


def test_capacity_and_slices_recount_the_test_predictions(real_build, predictions):
    test = predictions[predictions["split"] == "test"].sort_values("video_id")
    ranked = test["actual_label"].to_numpy()[
        np.argsort(-test["claim_probability"].to_numpy(), kind="stable")
    ]
    capacity = real_build.df("select * from ml.claim_classifier_capacity order by daily_capacity")
    assert list(capacity["daily_capacity"]) == [100, 500, 1000, 2000]
    for row in capacity.itertuples():
        k = round(row.daily_capacity / len(predictions) * len(test))
        assert row.test_videos_reviewed == k
        assert row.claims_found == int((ranked[:k] == "claim").sum())
    slices = real_build.df("select * from ml.claim_classifier_slices")
    for _, part in slices.groupby("slice_by"):
        assert part["n"].sum() == len(test)
        assert part["claims"].sum() == int((test["actual_label"] == "claim").sum())
    curves = real_build.df("select * from ml.claim_classifier_curves")
    assert set(curves["curve"]) == {"precision_recall", "calibration"}
    assert curves.loc[curves["curve"] == "calibration", "n"].sum() == len(test)


def test_score_command_agrees_with_the_build(real_build, real_dataset, predictions, tmp_path):
    out, rows, rejected = scoring.score_file(
        real_dataset, tmp_path / "scores.csv", real_build.warehouse.parent / "models"
    )
    scored = pd.read_csv(out)
    assert rows == len(predictions) and len(rejected) == 0
    merged = scored.merge(predictions, on="video_id", suffixes=("", "_db"))
    assert len(merged) == len(predictions)
    np.testing.assert_allclose(merged["claim_probability"], merged["claim_probability_db"])
    assert (merged["needs_manual_review"] == merged["needs_manual_review_db"]).all()


def test_moderation_queue_order(real_build):
    queue = real_build.df("select * from marts.moderation_queue order by queue_rank")
    labeled = real_build.df("select video_id from marts.fct_videos where is_labeled")
    assert len(queue) and not set(queue["video_id"]) & set(labeled["video_id"])
    assert list(queue["queue_rank"]) == list(range(1, len(queue) + 1))
    expected = queue.assign(
        opinion=np.select(
            [queue["predicted_label"] == "claim", queue["needs_manual_review"]], [0, 1], 2
        ),
        # two decimals, halves away from zero as SQL rounds (numpy rounds halves to even)
        shown_p=np.floor(queue["claim_probability"] * 100 + 0.5),
    ).sort_values(
        ["opinion", "shown_p", "report_count", "video_view_count", "claim_probability", "video_id"],
        ascending=[True, False, False, False, False, True],
        na_position="last",
        kind="stable",
    )
    assert list(expected["video_id"]) == list(queue["video_id"])
    top = queue.iloc[0]
    if top["needs_manual_review"]:  # the open videos of the file may all lack a transcription
        reason = top["manual_review_reason"]
        assert top["review_reason"].startswith(f"needs manual review: {reason}")
    else:
        assert top["review_reason"].startswith(f"predicted claim, p={top['claim_probability']:.2f}")


def test_two_builds_predict_identically(real_build, real_rebuild):
    sql = "select * from ml.claim_predictions order by video_id"
    pd.testing.assert_frame_equal(real_build.df(sql), real_rebuild.df(sql))


def test_summary_reads_its_numbers_from_the_tables(real_build, metrics, tmp_path, monkeypatch):
    from tiktok_claims.ml.names import DISPLAY_NAMES
    from tiktok_claims.summaries import claim_classifier

    monkeypatch.setenv("CLAIMS_WAREHOUSE", str(real_build.warehouse))
    text = claim_classifier.write(tmp_path).read_text()
    test = metrics[metrics["is_champion"] & (metrics["split"] == "test")].iloc[0]
    gen = metrics[metrics["is_champion"] & (metrics["split"] == "generalisation")].iloc[0]
    assert f"finds\n**{100 * test.recall:.1f}%** of claims" in text
    assert f"right **{100 * test.precision:.1f}%** of the time" in text
    assert f"it finds {100 * gen.recall:.1f}% of claims at {100 * gen.precision:.1f}%" in text
    assert DISPLAY_NAMES[test.model_name] in text and test.model_name not in text
    assert "does **not** see views" in text
    assert "stats.hypothesis_tests" in text
    staged, unscored = real_build.df(
        "select count(*), count(*) filter (where needs_manual_review) from ml.claim_predictions"
    ).iloc[0]
    assert (
        f"Of the {staged:,} staged videos the model scores every one with a transcription "
        f"(the {unscored:,} without one go to moderators unscored)"
    ) in " ".join(text.split())


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

"""Fit the claim classifier, or reuse the saved one, and lay the results out as tables.

Flow: split the labeled rows (60/20/20, identical texts kept together) -> GridSearchCV over
the TF-IDF settings (claim recall, then F1), group-aware 3-fold CV on train -> every
candidate refit on train at that setting -> champion chosen on validation (recall, then F1;
an exact tie goes to the random forest) -> an isotonic map of its validation scores, kept if
it lowers the validation Brier score out of fold -> ablation by feature set and the
unseen-wording split -> evaluated. The transcriptions are tokenised once for all
of it (features.counted_once).

`build_tables` trains only when no champion is saved or the saved one was trained on other
data (the data hash on its card); otherwise it evaluates the saved champion again.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.inspection import permutation_importance
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import GridSearchCV, cross_val_predict, cross_validate
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from tiktok_claims.frames import pandas_inputs
from tiktok_claims.ml import evaluation as E
from tiktok_claims.ml import features as F
from tiktok_claims.ml import persist
from tiktok_claims.ml.candidates import (
    BASELINE,
    CANDIDATES,
    DISPLAY_NAMES,
    RANDOM_FOREST,
    TEXT_GRID,
    ViewThresholdClassifier,
    pipeline_of,
)
from tiktok_claims.ml.splits import (
    assign_splits,
    cv_folds,
    held_out_families,
    phrasing_family,
    text_groups,
)

CALIBRATION_METHOD = "isotonic"
# 3 group-aware folds: every setting already scores ~1.0 on each; 5 cost 2/3 more search time.
CV_FOLDS = 3
METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc", "average_precision", "brier_score")
CHAMPION = F.FEATURE_SETS[F.CHAMPION_FEATURE_SET]


def data_hash(features: pd.DataFrame) -> str:
    """sha256 of the labeled rows the fit reads (ids, every feature, label), sorted by id."""
    labeled = features[features["is_labeled"].astype(bool)]
    columns = [F.ID_COLUMN, F.TEXT_COLUMN, *F.ALL_NUMERIC, *F.BAN_STATUS, F.LABEL_COLUMN]
    ordered = labeled[columns].sort_values(F.ID_COLUMN).reset_index(drop=True)
    hashed = pd.util.hash_pandas_object(ordered, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


@dataclass
class Data:
    """The labeled rows, their split, folds and phrasing families, from the feature mart."""

    features: pd.DataFrame  # every staged video, sorted by id
    X: pd.DataFrame  # model inputs of the labeled rows
    y: np.ndarray
    split: np.ndarray
    groups: np.ndarray
    family: pd.Series

    @classmethod
    def from_features(cls, features: pd.DataFrame, seed: int) -> Data:
        repeated = features[F.ID_COLUMN].duplicated()
        if repeated.any():
            ids = features.loc[repeated, F.ID_COLUMN].head(5).tolist()
            raise ValueError(f"claim_features: video_id not unique (repeated: {ids})")
        features = features.sort_values(F.ID_COLUMN).reset_index(drop=True)
        labeled = features[features["is_labeled"].astype(bool)].reset_index(drop=True)
        y = F.labels(labeled)
        groups = text_groups(labeled[F.TEXT_COLUMN])
        split = assign_splits(y, groups, seed)
        family = phrasing_family(labeled[F.TEXT_COLUMN])
        return cls(features, F.prepare(labeled), y, split, groups, family)

    def rows(self, name: str) -> np.ndarray:
        return self.split == name

    @functools.cached_property
    def sha256(self) -> str:
        """data_hash of the features, once: the reuse check and the card both need it."""
        return data_hash(self.features)


class Recorder:
    """Metrics and confusion-matrix rows, each from one (y, p) pair."""

    def __init__(self, seed: int):
        self.seed, self.metrics, self.confusion = seed, [], []

    def add(self, name, split, y, p, feature_set="report_time", variant="candidate", **extra):
        keys = {"model_name": name, "feature_set": feature_set, "variant": variant, "split": split}
        row = keys | {"is_ablation": variant == "ablation"} | E.score(y, p) | extra
        if split in ("test", "generalisation"):
            row |= E.intervals(y, p, self.seed)
        self.metrics.append(row)
        called = (np.asarray(p) >= E.THRESHOLD).astype(int)
        labels = ("claim", "opinion")
        counts = confusion_matrix(y, called, labels=[1, 0])
        for (i, a), (j, c) in itertools.product(enumerate(labels), enumerate(labels)):
            n = int(counts[i, j])
            self.confusion.append(keys | {"actual_label": a, "predicted_label": c, "n": n})
        return row

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "metrics": pd.DataFrame(self.metrics),
            "confusion_matrix": pd.DataFrame(self.confusion),
        }


SCORING = ("recall", "f1")


def recall_then_f1(cv_results) -> int:
    """GridSearchCV refit rule: best mean CV claim recall, then F1; ties to the earlier
    (smaller) setting."""
    frame = pd.DataFrame(cv_results)
    order = np.lexsort((-frame["mean_test_f1"].to_numpy(), -frame["mean_test_recall"].to_numpy()))
    return int(order[0])


def _fit(model, X, y):
    return model.fit(X, y)


def calibrate(fitted, X, y, folds, scores) -> tuple[CalibratedClassifierCV, np.ndarray]:
    """The fitted model with an isotonic map of its `scores` on (X, y), the validation rows:
    CalibratedClassifierCV over a FrozenEstimator, so nothing is refit. Also the map's
    out-of-fold scores on X (group-aware folds), for the keep rule: IsotonicRegression on the
    model's scores, as the primitive fits it (the test checks), because cross-validating the
    primitive itself predicted X 23 times (0.4 s against 0.1 s)."""
    isotonic = IsotonicRegression(out_of_bounds="clip")
    out_of_fold = cross_val_predict(isotonic, np.reshape(scores, (-1, 1)), y, cv=folds)
    # the same folds: for a frozen model they only chunk its predictions, and sklearn's default
    # (5 stratified folds) warns on a validation split with fewer than 5 rows of a class
    calibrated = CalibratedClassifierCV(
        FrozenEstimator(fitted), method=CALIBRATION_METHOD, cv=folds
    )
    return calibrated.fit(X, y), out_of_fold


def _recipe(name: str, params: dict, features: F.FeatureSet, seed: int) -> Pipeline:
    candidate = next(c for c in CANDIDATES if c.name == name)
    pipeline = candidate.build(features, seed)
    keep = {k: v for k, v in params.items() if k in pipeline.get_params()}
    return pipeline.set_params(**keep)


def pick_champion(validation: dict[str, dict]) -> tuple[str, str]:
    """Best validation claim recall, then F1; an exact tie goes to the random forest (the
    lead's choice), then to the earlier candidate. Says why, with the margins."""

    def rank(name):
        m = validation[name]
        return (m["recall"], m["f1"], name == RANDOM_FOREST)

    best = max(validation, key=rank)
    tied = [n for n in validation if rank(n)[:2] == rank(best)[:2]]
    runner = max((n for n in validation if n not in tied), key=rank, default=None)
    name = DISPLAY_NAMES
    why = "the highest validation claim recall, then F1"
    if len(tied) > 1:
        others = ", ".join(name[n] for n in tied if n != best)
        why += f"; an exact tie with {others}, which goes to the random forest"
    if runner is not None:
        gap_r = validation[best]["recall"] - validation[runner]["recall"]
        gap_f = validation[best]["f1"] - validation[runner]["f1"]
        why += f"; ahead of {name[runner]} by {gap_r:+.4f} recall and {gap_f:+.4f} F1"
    return best, f"{name[best]} won: {why}"


def train(data: Data, seed: int, n_jobs: int = 1) -> tuple[object, dict, dict]:
    """Search, select, calibrate, ablate and test the unseen-wording split.

    Returns the champion, its card and the training-time tables (what only a fit can tell:
    CV, the other candidates, ablation, the generalisation split).
    """
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(stage):
        now = time.perf_counter()
        seconds[stage] = round(now - clock[0], 2)
        clock[0] = now

    train_rows, va, te = data.rows("train"), data.rows("validation"), data.rows("test")
    X_tr, y_tr = data.X[train_rows], data.y[train_rows]
    X_va, y_va, X_te, y_te = data.X[va], data.y[va], data.X[te], data.y[te]
    folds = cv_folds(y_tr, data.groups[train_rows], seed, CV_FOLDS)

    # The vocabulary size and n-gram range by GridSearchCV with the cheapest candidate
    # (logistic regression, which the search refits on train); every other candidate is then
    # fit on train at that text setting, and all are compared on validation, where the
    # selection rule is decided, and the champion is calibrated there. (Cross-validating every
    # candidate cost 12 more fits, and the champion's 3 a sixth of the fit; neither decided
    # anything.)
    settings = {c.name: {f"model__{k}": v for k, v in c.params.items()} for c in CANDIDATES}
    searched = CANDIDATES[0].name  # at its own settings: its CV row is the search's best
    text = GridSearchCV(
        _recipe(searched, settings[searched], CHAMPION, seed),
        TEXT_GRID,
        scoring=SCORING,
        cv=folds,
        refit=recall_then_f1,
        n_jobs=n_jobs,
    ).fit(X_tr, y_tr)
    best = text.best_index_
    text_params = text.cv_results_["params"][best]
    cv = {
        searched: {
            "recall": text.cv_results_["mean_test_recall"][best],
            "f1": text.cv_results_["mean_test_f1"][best],
        }
    }
    best_params = {name: model | text_params for name, model in settings.items()}
    lap("search")

    recipes = {c.name: _recipe(c.name, best_params[c.name], CHAMPION, seed) for c in CANDIDATES}
    others = {name: model for name, model in recipes.items() if name != searched}
    base_cv = cross_validate(
        ViewThresholdClassifier(), X_tr, y_tr, cv=folds, scoring=("recall", "f1")
    )
    cv[BASELINE] = {"recall": base_cv["test_recall"].mean(), "f1": base_cv["test_f1"].mean()}
    fitted = {searched: text.best_estimator_} | dict(
        zip(
            [*others, BASELINE],
            Parallel(n_jobs=n_jobs)(
                delayed(_fit)(m, X_tr, y_tr) for m in [*others.values(), ViewThresholdClassifier()]
            ),
            strict=True,
        )
    )
    lap("refit")

    rec = Recorder(seed)
    validation, params, scored = {}, {}, {}
    for name, model in fitted.items():
        params[name] = json.dumps(
            best_params.get(name, {"threshold": getattr(model, "threshold_", None)}), default=str
        )
        fs = "with_engagement" if name == BASELINE else "report_time"
        p_va, p_te = model.predict_proba(X_va)[:, 1], model.predict_proba(X_te)[:, 1]
        scored[name] = p_va
        m = rec.add(name, "validation", y_va, p_va, fs, params=params[name])
        rec.add(name, "test", y_te, p_te, fs, params=params[name])
        if name != BASELINE:  # the baseline is the yardstick, not a contender
            validation[name] = m
    champion_name, reason = pick_champion(validation)
    recipe = recipes[champion_name]
    for name, scores in cv.items():
        fs = "with_engagement" if name == BASELINE else "report_time"
        rec.metrics.append(
            {"model_name": name, "feature_set": fs, "variant": "candidate", "split": "cv"}
            | {"is_ablation": False, "n": int(len(y_tr)), "params": params[name]}
            | scores
        )

    # Ablation and the unseen-wording fit: one batch.
    held = held_out_families(data.family, data.y, seed)
    in_held = data.family.isin(held).to_numpy()
    gen_fit = train_rows & ~in_held
    ablations = {k: fs for k, fs in F.FEATURE_SETS.items() if k != F.CHAMPION_FEATURE_SET}
    jobs = [
        (_recipe(champion_name, best_params[champion_name], fs, seed), X_tr, y_tr)
        for fs in ablations.values()
    ]
    jobs += [(clone(recipe), data.X[gen_fit], data.y[gen_fit])]
    *ablated, gen_model = Parallel(n_jobs=n_jobs)(delayed(_fit)(m, X, y) for m, X, y in jobs)
    va_folds = cv_folds(y_va, data.groups[va], seed, CV_FOLDS)
    calibrated, p_calibrated = calibrate(
        fitted[champion_name], X_va, y_va, va_folds, scored[champion_name]
    )
    lap("calibration_ablation_generalisation")

    before = validation[champion_name]["brier_score"]
    variant = f"calibrated_{CALIBRATION_METHOD}"
    after = rec.add(champion_name, "validation", y_va, p_calibrated, variant=variant)["brier_score"]
    keep = after < before
    note = (
        f"{CALIBRATION_METHOD} calibration fitted on validation: validation Brier {before:.5f}"
        f" -> {after:.5f} (out of fold, {CV_FOLDS} group-aware folds)"
    )
    rec.metrics[-1]["note"] = note
    champion = calibrated if keep else fitted[champion_name]
    final_variant = variant if keep else "candidate"
    calibration_note = note + ("; kept" if keep else "; not kept")

    for (set_name, _), model in zip(ablations.items(), ablated, strict=True):
        rec.add(
            champion_name, "validation", y_va, model.predict_proba(X_va)[:, 1], set_name, "ablation"
        )
        if set_name == "with_engagement":  # the comparison row, next to the champion's test
            rec.add(
                champion_name, "test", y_te, model.predict_proba(X_te)[:, 1], set_name, "ablation"
            )

    p_gen = gen_model.predict_proba(data.X[in_held])[:, 1]
    gen_note = (
        f"trained on the {int(gen_fit.sum()):,} training videos whose opening clause does not "
        f"turn on {', '.join(repr(w) for w in sorted(held))}; scored on all "
        f"{int(in_held.sum()):,} labeled videos whose opening does; the champion's settings, "
        "uncalibrated; nothing tuned on it"
    )
    rec.add(champion_name, "generalisation", data.y[in_held], p_gen, note=gen_note)
    lap("scoring")

    card = {
        "model_name": champion_name,
        "feature_set": F.CHAMPION_FEATURE_SET,
        "features": CHAMPION.input_columns,
        "feature_set_reason": F.BAN_STATUS_REASON,
        "calibration": CALIBRATION_METHOD if keep else "none",
        "variant": final_variant,
        "selection": reason,
        "calibration_note": calibration_note,
        "seed": seed,
        "threshold": E.THRESHOLD,
        "training_rows": int(train_rows.sum()),
        "training_data_sha256": data.sha256,
        "params": {k: v for k, v in best_params[champion_name].items()},
        "held_out_opening_patterns": sorted(held),
        "fit_seconds": seconds,
    }
    tables = {}
    # a property of the fitted champion and validation: computed once, reused with the model
    tables["feature_importance"] = importance(champion, champion_name, X_va, y_va, seed)
    for kind, frame in rec.tables().items():
        # the final champion's validation and test rows come from evaluate(), every build
        final = (
            (frame["model_name"] == champion_name)
            & (frame["feature_set"] == F.CHAMPION_FEATURE_SET)
            & (frame["variant"] == final_variant)
            & frame["split"].isin(["validation", "test"])
        )
        tables[kind] = frame[~final].reset_index(drop=True)
    metrics = tables["metrics"]
    metrics["is_champion"] = (metrics["model_name"] == champion_name) & (
        metrics["split"].eq("cv") | (metrics["split"].eq("generalisation"))
    )
    return champion, card, tables


def importance(champion, name: str, X_va, y_va, seed: int) -> pd.DataFrame:
    """The model's own importance per TF-IDF term and number, and permutation importance of
    each input column on validation (drop in average precision, 3 shuffles; the whole
    transcription shuffled at once)."""
    pipeline = pipeline_of(champion)
    names = pipeline[:-1].get_feature_names_out()
    model = pipeline.named_steps["model"]
    if hasattr(model, "feature_importances_"):
        values, method = model.feature_importances_, "impurity"
    elif hasattr(model, "coef_"):
        values, method = np.abs(model.coef_[0]), "abs_coefficient"
    else:  # naive Bayes: how far a term's log probability differs between the classes
        values = np.abs(model.feature_log_prob_[1] - model.feature_log_prob_[0])
        method = "abs_log_probability_ratio"
    text_terms = (
        set(pipeline.named_steps["prep"].named_transformers_.get("text", None).vocabulary_)
        if "text" in pipeline.named_steps["prep"].named_transformers_
        else set()
    )
    own = pd.DataFrame(
        {
            "feature": [f"term: {n}" if n in text_terms else n for n in names],
            "method": method,
            "importance": values.astype(float),
            "importance_std": np.nan,
        }
    )
    columns = CHAMPION.input_columns
    # 3 shuffles, not sklearn's 5: on the real file the transcription's drop (0.50) varies by
    # 0.002 between shuffles and the other inputs' by 0, and 5 cost 0.18 s more of the fit
    perm = permutation_importance(
        champion, X_va[columns], y_va, scoring="average_precision", n_repeats=3, random_state=seed
    )
    shuffled = pd.DataFrame(
        {
            "feature": ["transcription (all terms)" if c == F.TEXT_COLUMN else c for c in columns],
            "method": "permutation_validation",
            "importance": perm.importances_mean,
            "importance_std": perm.importances_std,
        }
    )
    frame = pd.concat([own, shuffled], ignore_index=True).assign(model_name=name)
    frame["importance_rank"] = (
        frame.groupby("method")["importance"].rank(ascending=False, method="first").astype(int)
    )
    return frame


def evaluate(champion, card: dict, data: Data) -> dict[str, pd.DataFrame]:
    """What the champion does on validation and test, and its score for every staged video."""
    seed, name, variant = card["seed"], card["model_name"], card["variant"]
    features = data.features
    labeled = features["is_labeled"].astype(bool).to_numpy()
    va, te = data.rows("validation"), data.rows("test")
    reason = F.missing_inputs(features, CHAMPION).to_numpy()
    # one prediction for every row needed: the scorable ones and the evaluated ones
    evaluated = np.zeros(len(features), dtype=bool)
    evaluated[np.flatnonzero(labeled)[va | te]] = True
    p = np.full(len(features), np.nan)
    wanted = (reason == "") | evaluated
    if wanted.any():
        p[wanted] = champion.predict_proba(F.prepare(features[wanted]))[:, 1]
    p_va, p_te = p[labeled][va], p[labeled][te]

    rec = Recorder(seed)
    rec.add(name, "validation", data.y[va], p_va, variant=variant, note=card["selection"])
    rec.add(name, "test", data.y[te], p_te, variant=variant, note=card["calibration_note"])
    tables = rec.tables()
    tables["metrics"]["is_champion"] = True

    test_frame = features[labeled].reset_index(drop=True)[te].reset_index(drop=True)
    tables["curves"] = E.curves(data.y[te], p_te).assign(model_name=name)
    tables["capacity"] = E.capacity(data.y[te], p_te, queue_size=len(features)).assign(
        model_name=name
    )
    tables["slices"] = E.slices(_statuses(test_frame), data.y[te], p_te).assign(model_name=name)
    tables["predictions"] = predictions(p, reason, card, data)
    return tables


def _statuses(frame: pd.DataFrame) -> pd.DataFrame:
    """verified_status and author_ban_status back from the mart's one-hot columns."""
    ban = np.select(
        [frame[c] == 1 for c in F.BAN_STATUS], ["active", "under review", "banned"], "unknown"
    )
    verified = np.where(frame["verified_status__verified"] == 1, "verified", "not verified")
    return pd.DataFrame({"verified_status": verified, "author_ban_status": ban})


def predictions(p: np.ndarray, reason: np.ndarray, card: dict, data: Data) -> pd.DataFrame:
    """Every staged video: its split, label, and the champion's score `p`, or, when an input
    the champion reads is missing (`reason`), no score and needs_manual_review with the reason."""
    features = data.features
    labeled = features["is_labeled"].astype(bool).to_numpy()
    split = np.full(len(features), "unlabeled", dtype=object)
    split[labeled] = data.split
    scorable = reason == ""
    p = np.where(scorable, p, np.nan)
    return pd.DataFrame(
        {
            "video_id": features[F.ID_COLUMN].to_numpy(),
            "split": split,
            "actual_label": features["claim_status"].to_numpy(),
            "claim_probability": p,
            "predicted_label": np.where(scorable, E.label_names(p >= E.THRESHOLD), None),
            "model_name": card["model_name"],
            "needs_manual_review": ~scorable,
            "manual_review_reason": np.where(scorable, None, reason),
        }
    )


@pandas_inputs
def build_tables(
    features: pd.DataFrame, seed: int, directory=None, n_jobs: int = 1
) -> dict[str, pd.DataFrame]:
    """Train if needed (no saved champion, or one trained on other data), then evaluate.

    Output: table name -> rows, for the contracted ml.claim_* SQL models.
    """
    data = Data.from_features(features, seed)
    # Every fit and prediction below reads the same transcriptions: tokenised once. n_jobs > 1
    # runs jobs on threads, which share that count matrix (processes would re-import and
    # re-tokenise). One core by default, BLAS and the forest included: in a build, dbt has
    # the other. On two threads the fit took 3.4 s alone but 4.6 s of CPU, and 5.3 s in fresh
    # builds of the real file; on one, 3.5 s alone and 4.35 s in the build.
    with (
        F.counted_once(data.features[F.TEXT_COLUMN]),
        parallel_config(backend="threading", n_jobs=n_jobs),
        threadpool_limits(limits=n_jobs),
    ):
        try:
            champion, card = persist.load(directory, training_data_sha256=data.sha256)
            training = persist.load_results(directory)
            if card.get("seed") != seed:
                raise persist.ModelMismatchError("other seed")
        except (FileNotFoundError, persist.ModelMismatchError):
            champion, card, training = train(data, seed, n_jobs)
            persist.save(champion, card, directory, results=training)
        tables = evaluate(champion, card, data)
    for kind, frame in training.items():
        tables[kind] = (
            pd.concat([frame, tables[kind]], ignore_index=True) if kind in tables else frame
        )
    tables["metrics"]["is_champion"] = tables["metrics"]["is_champion"].fillna(False).astype(bool)
    return tables

"""Fit every candidate once, pick and test the champion, and lay the results out as tables.

Flow: split the labeled rows (60/20/20, text groups kept whole) -> tune each candidate by
group-aware stratified 5-fold CV on train (refit on claim recall) -> choose the champion on
validation -> calibrate it if that lowers the validation Brier score -> ablate its feature
groups -> test it once -> score every staged video.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import ParameterGrid

from tiktok_claims.ml import features as F
from tiktok_claims.ml.candidates import BASELINE, CANDIDATES
from tiktok_claims.ml.splits import assign_splits, cv_folds, text_groups

THRESHOLD = 0.5
# Isotonic only: ~11k training rows are plenty for it, and each method costs four more fits.
CALIBRATION_METHODS = ("isotonic",)
METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc", "average_precision")

# Output tables: column -> SQL type. The fit model returns their union (long format);
# the thin dbt models select one kind each, cast to these types.
TABLES: dict[str, dict[str, str]] = {
    "metrics": {
        "model_name": "varchar",
        "feature_set": "varchar",
        "variant": "varchar",
        "split": "varchar",
        "is_champion": "boolean",
        "is_ablation": "boolean",
        "n": "bigint",
        "accuracy": "double",
        "precision": "double",
        "recall": "double",
        "f1": "double",
        "roc_auc": "double",
        "average_precision": "double",
        "brier_score": "double",
        "params": "varchar",
        "note": "varchar",
    },
    "feature_importance": {
        "model_name": "varchar",
        "feature": "varchar",
        "method": "varchar",
        "importance": "double",
        "importance_std": "double",
        "importance_rank": "bigint",
    },
    "confusion_matrix": {
        "model_name": "varchar",
        "feature_set": "varchar",
        "variant": "varchar",
        "split": "varchar",
        "actual_label": "varchar",
        "predicted_label": "varchar",
        "n": "bigint",
    },
    "predictions": {
        "video_id": "bigint",
        "split": "varchar",
        "actual_label": "varchar",
        "claim_probability": "double",
        "predicted_label": "varchar",
        "model_name": "varchar",
    },
}


def select_list(kind: str) -> str:
    """SQL select list that turns the long fit table back into one typed table."""
    return ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in TABLES[kind].items())


def label_names(y) -> np.ndarray:
    return np.where(np.asarray(y) == 1, "claim", "opinion")


def score(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Metrics at the 0.5 threshold (the same rule that sets predicted_label)."""
    pred = (p >= THRESHOLD).astype(int)
    both = len(np.unique(y)) == 2
    return {
        "n": len(y),
        "accuracy": accuracy_score(y, pred),
        "precision": precision_score(y, pred, zero_division=0),
        "recall": recall_score(y, pred, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "roc_auc": roc_auc_score(y, p) if both else np.nan,
        "average_precision": average_precision_score(y, p) if both else np.nan,
        "brier_score": brier_score_loss(y, p),
    }


def confusion(y: np.ndarray, p: np.ndarray, **keys) -> list[dict]:
    frame = pd.DataFrame({"actual_label": label_names(y), "predicted_label": label_names(p >= 0.5)})
    rows = []
    for actual in ("claim", "opinion"):
        for predicted in ("claim", "opinion"):
            n = int(((frame.actual_label == actual) & (frame.predicted_label == predicted)).sum())
            rows.append(keys | {"actual_label": actual, "predicted_label": predicted, "n": n})
    return rows


def recall_then_f1(cv_means: list[dict]) -> int:
    """Refit rule: best mean CV claim recall; ties (to 4 places) go to the better F1."""
    recall = np.round([m["recall"] for m in cv_means], 4)
    f1 = np.round([m["f1"] for m in cv_means], 4)
    return int(np.lexsort((-f1, -recall))[0])


def _fold_matrices(prep, X: pd.DataFrame, folds: list) -> list:
    """Fit the preprocessing (n-gram vocabulary included) on each fold's training rows once;
    every candidate and parameter setting then reuses those matrices."""
    out = []
    for train_idx, test_idx in folds:
        fitted = clone(prep)
        out.append((fitted.fit_transform(X.iloc[train_idx]), fitted.transform(X.iloc[test_idx])))
    return out


def _fit_and_score(model, params, X_fit, y_fit, X_eval, y_eval) -> dict:
    model = clone(model).set_params(**params).fit(X_fit, y_fit)
    return score(y_eval, model.predict_proba(X_eval)[:, 1])


def _grid_search(pipeline, grid, fold_data, folds, y, n_jobs) -> tuple[dict, dict]:
    """Stratified group CV of every grid point, both cores busy; returns the best
    parameters (claim recall, then F1) and their mean CV scores."""
    settings = list(ParameterGrid(grid))
    model = pipeline[1:]  # everything after the preprocessing
    scores = Parallel(n_jobs=n_jobs)(
        delayed(_fit_and_score)(model, params, X_fit, y[fit_idx], X_eval, y[eval_idx])
        for params in settings
        for (X_fit, X_eval), (fit_idx, eval_idx) in zip(fold_data, folds, strict=True)
    )
    k = len(folds)
    means = [
        {m: float(np.mean([s[m] for s in scores[i * k : (i + 1) * k]])) for m in scores[0]}
        for i in range(len(settings))
    ]
    best = recall_then_f1(means)
    return settings[best], means[best]


def data_hash(frame: pd.DataFrame) -> str:
    """sha256 of the rows' values (order-independent of the input frame: sorted by id)."""
    ordered = frame.sort_values(F.ID_COLUMN).reset_index(drop=True)
    hashed = pd.util.hash_pandas_object(ordered, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


@dataclass
class TrainResult:
    tables: dict[str, pd.DataFrame]
    champion: object
    champion_name: str
    card: dict

    def long_table(self) -> pd.DataFrame:
        """All tables stacked, with result_kind saying which one each row belongs to.

        Columns get nullable dtypes so the stack keeps each column's type.
        """
        dtypes = {"varchar": "string", "bigint": "Int64", "double": "float64", "boolean": "boolean"}
        parts = []
        for kind, table in self.tables.items():
            typed = table.astype({c: dtypes[t] for c, t in TABLES[kind].items()})
            parts.append(typed.assign(result_kind=kind))
        return pd.concat(parts, ignore_index=True).astype({"result_kind": "string"})


def _pick_champion(validation: dict[str, dict], n_claims: int) -> tuple[str, str]:
    """Best validation claim recall. Candidates within two missed claims of the best count
    as tied (a video or two is noise); the tie goes to the best F1, i.e. fewer opinions
    sent to moderators for the same recall, then to average precision. Says why."""
    best_recall = max(m["recall"] for m in validation.values())
    tolerance = 2 / max(n_claims, 1)
    tied = [k for k, m in validation.items() if m["recall"] >= best_recall - tolerance - 1e-12]
    best = max(
        tied,
        key=lambda k: tuple(validation[k][m] for m in ("f1", "average_precision", "recall")),
    )
    if len(tied) == 1:
        why = "the highest validation claim recall"
    else:
        why = (
            f"validation claim recall within two claims of the best (tied: {', '.join(tied)}), "
            "and the highest F1 among those"
        )
    scores = "; ".join(
        f"{k} recall {m['recall']:.4f}, precision {m['precision']:.4f}, F1 {m['f1']:.4f}"
        for k, m in validation.items()
    )
    return best, f"champion {best}: {why} ({scores})"


def train(features: pd.DataFrame, seed: int, n_jobs: int = 2) -> TrainResult:
    features = features.sort_values(F.ID_COLUMN).reset_index(drop=True)
    X_all = F.prepare(features)
    labeled = features["is_labeled"].astype(bool).to_numpy()
    X, y = X_all[labeled].reset_index(drop=True), F.labels(features[labeled])
    groups = text_groups(features.loc[labeled, F.TEXT_COLUMN])
    split = assign_splits(y, groups, seed)
    part = {s: split == s for s in ("train", "validation", "test")}
    X_tr, y_tr = X[part["train"]], y[part["train"]]
    X_va, y_va = X[part["validation"]], y[part["validation"]]
    X_te, y_te = X[part["test"]], y[part["test"]]
    folds = cv_folds(y_tr, groups[part["train"]], seed)
    all_features = F.FEATURE_SETS["all"]

    metrics, confusions = [], []

    def record(name, split_name, m, variant="candidate", feature_set="all", **extra):
        metrics.append(
            {"model_name": name, "feature_set": feature_set, "variant": variant}
            | {"split": split_name, "is_ablation": variant == "ablation"}
            | m
            | extra
        )

    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 2)
        clock = now

    fitted, params, validation = {}, {}, {}
    fold_data = _fold_matrices(F.preprocessor(all_features), X_tr, folds)
    for cand in CANDIDATES:
        estimator = cand.build(all_features, seed)
        if cand.grid:
            best, cv = _grid_search(estimator, cand.grid, fold_data, folds, y_tr, n_jobs)
            model = estimator.set_params(**best).fit(X_tr, y_tr)
            params[cand.name] = {k.split("__", 1)[1]: v for k, v in best.items()}
        else:
            fold_scores = [
                _fit_and_score(estimator, {}, X_tr.iloc[a], y_tr[a], X_tr.iloc[b], y_tr[b])
                for a, b in folds
            ]
            cv = {m: float(np.mean([s[m] for s in fold_scores])) for m in fold_scores[0]}
            model = estimator.fit(X_tr, y_tr)
            params[cand.name] = {"threshold": model.threshold_}
        fitted[cand.name] = model
        lap(f"search_{cand.name}")
        p_va = model.predict_proba(X_va)[:, 1]
        validation[cand.name] = score(y_va, p_va)
        record(cand.name, "cv", cv | {"n": len(y_tr)}, params=json.dumps(params[cand.name]))
        record(cand.name, "validation", validation[cand.name], params=json.dumps(params[cand.name]))
        confusions += confusion(y_va, p_va, model_name=cand.name, split="validation")

    # The baseline is the yardstick, not a contender.
    contenders = {k: v for k, v in validation.items() if k != BASELINE}
    champion_name, reason = _pick_champion(contenders, int(y_va.sum()))
    candidate = fitted[champion_name]

    # Calibrate only if it lowers the validation Brier score; record before and after.
    before = validation[champion_name]["brier_score"]
    champion, calibration, best_brier = candidate, "none", before
    calib_folds = cv_folds(y_tr, groups[part["train"]], seed, n_splits=3)
    for method in CALIBRATION_METHODS:
        # ensemble=False: one model refit on all of train (same vocabulary as the candidate),
        # the calibrator fit on out-of-fold probabilities.
        calibrated = CalibratedClassifierCV(
            clone(candidate), method=method, cv=calib_folds, ensemble=False, n_jobs=n_jobs
        )
        calibrated.fit(X_tr, y_tr)
        p_cal = calibrated.predict_proba(X_va)[:, 1]
        m = score(y_va, p_cal)
        note = f"{method} calibration: validation Brier {before:.5f} -> {m['brier_score']:.5f}"
        record(champion_name, "validation", m, variant=f"calibrated_{method}", note=note)
        confusions += confusion(
            y_va,
            p_cal,
            model_name=champion_name,
            split="validation",
            variant=f"calibrated_{method}",
        )
        if m["brier_score"] < best_brier:
            champion, calibration, best_brier = calibrated, method, m["brier_score"]
    final_variant = "candidate" if calibration == "none" else f"calibrated_{calibration}"
    calibration_note = (
        f"{calibration} calibration kept: validation Brier {before:.5f} -> {best_brier:.5f}"
        if calibration != "none"
        else f"not calibrated: no method lowered validation Brier {before:.5f}"
    )

    lap("calibration")

    # Ablation: the champion recipe (same parameters) on each feature group.
    for set_name, feature_set in F.FEATURE_SETS.items():
        if set_name == "all":
            m = validation[champion_name]
        else:
            recipe = next(c for c in CANDIDATES if c.name == champion_name)
            est = recipe.build(feature_set, seed).set_params(
                **{f"model__{k}": v for k, v in params[champion_name].items()}
            )
            est.fit(X_tr[feature_set.input_columns], y_tr)
            p = est.predict_proba(X_va[feature_set.input_columns])[:, 1]
            m = score(y_va, p)
            confusions += confusion(
                y_va,
                p,
                model_name=champion_name,
                split="validation",
                variant="ablation",
                feature_set=set_name,
            )
        record(champion_name, "validation", m, variant="ablation", feature_set=set_name)

    lap("ablation")

    # The one look at test: the final champion, and the baseline for scale.
    p_te = champion.predict_proba(X_te)[:, 1]
    test_scores = score(y_te, p_te)
    record(champion_name, "test", test_scores, variant=final_variant, note=calibration_note)
    confusions += confusion(
        y_te, p_te, model_name=champion_name, split="test", variant=final_variant
    )
    p_base = fitted[BASELINE].predict_proba(X_te)[:, 1]
    record(BASELINE, "test", score(y_te, p_base))
    confusions += confusion(y_te, p_base, model_name=BASELINE, split="test")

    metrics_df = pd.DataFrame(metrics)
    metrics_df["is_champion"] = (metrics_df.model_name == champion_name) & (
        metrics_df.variant.isin([final_variant]) | (metrics_df.split == "cv")
    )
    champion_rows = metrics_df.is_champion & (metrics_df.split == "validation")
    metrics_df.loc[champion_rows, "note"] = reason + "; " + calibration_note
    confusion_df = pd.DataFrame(confusions).fillna({"feature_set": "all", "variant": "candidate"})

    importance = _importance(candidate, champion_name, X_va, y_va, seed)
    lap("importance")

    # Every staged video, labeled or not, scored by the final champion.
    p_all = champion.predict_proba(X_all)[:, 1]
    video_split = np.full(len(features), "unlabeled", dtype=object)
    video_split[labeled] = split
    predictions = pd.DataFrame(
        {
            "video_id": features[F.ID_COLUMN].to_numpy(),
            "split": video_split,
            "actual_label": features["claim_status"].to_numpy(),
            "claim_probability": p_all,
            "predicted_label": label_names(p_all >= THRESHOLD),
            "model_name": champion_name,
        }
    )

    lap("scoring")
    train_rows = features[labeled][part["train"]]
    card = {
        "model_name": champion_name,
        "calibration": calibration,
        "selection": reason,
        "seed": seed,
        "threshold": THRESHOLD,
        "training_rows": int(part["train"].sum()),
        "training_data_sha256": data_hash(
            train_rows[[F.ID_COLUMN, *all_features.input_columns, F.LABEL_COLUMN]]
        ),
        "features": all_features.input_columns,
        "ngram_range": list(F.NGRAM_RANGE),
        "max_ngrams": F.MAX_NGRAMS,
        "params": params[champion_name],
        "fit_seconds": seconds,
        "metrics": {
            "validation": metrics_df[champion_rows].iloc[0][list(METRICS)].to_dict(),
            "test": {k: v for k, v in test_scores.items() if k in METRICS},
        },
    }
    tables = {
        "metrics": metrics_df[list(TABLES["metrics"])],
        "feature_importance": importance,
        "confusion_matrix": confusion_df[list(TABLES["confusion_matrix"])],
        "predictions": predictions,
    }
    return TrainResult(tables, champion, champion_name, card)


def _importance(candidate, name, X_va, y_va, seed, n_repeats=5) -> pd.DataFrame:
    """Impurity (or |coefficient|) importance of the fitted champion, and permutation
    importance of each input column on validation (drop in average precision).

    Permutation works on the transformed validation matrix: shuffling an input column
    shuffles the output columns it feeds (all n-grams at once for the text), so the
    text is vectorised once instead of once per shuffle.
    """
    prep, rest = candidate[:1], candidate[1:]
    names = list(prep.get_feature_names_out())
    model = candidate.named_steps["model"]
    if hasattr(model, "feature_importances_"):
        values, method = model.feature_importances_, "impurity"
    else:
        values, method = np.abs(model.coef_[0]), "abs_coefficient_scaled"
    rows = [
        {
            "feature": n if n in X_va.columns else f"ngram: {n}",
            "method": method,
            "importance": float(v),
            "importance_std": np.nan,
        }
        for n, v in zip(names, values, strict=True)
    ]
    Xt = prep.transform(X_va)
    Xt = Xt.toarray() if sparse.issparse(Xt) else np.asarray(Xt, dtype=float)
    base = average_precision_score(y_va, rest.predict_proba(Xt)[:, 1])
    rng = np.random.default_rng(seed)
    for col in X_va.columns:
        if col == F.TEXT_COLUMN:
            outputs = [i for i, n in enumerate(names) if n not in X_va.columns]
        else:
            outputs = [names.index(col)]
        drops = []
        for _ in range(n_repeats):
            shuffled = Xt.copy()
            shuffled[:, outputs] = Xt[rng.permutation(len(Xt))][:, outputs]
            drops.append(base - average_precision_score(y_va, rest.predict_proba(shuffled)[:, 1]))
        rows.append(
            {
                "feature": "transcription n-grams" if col == F.TEXT_COLUMN else col,
                "method": "permutation_validation",
                "importance": float(np.mean(drops)),
                "importance_std": float(np.std(drops)),
            }
        )
    frame = pd.DataFrame(rows).assign(model_name=name)
    frame["importance_rank"] = (
        frame.groupby("method")["importance"].rank(ascending=False, method="first").astype(int)
    )
    return frame[list(TABLES["feature_importance"])]

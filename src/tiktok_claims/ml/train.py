"""Fit every candidate once, pick and test the champion, and lay the results out as tables.

Flow: split the labeled rows (60/20/20, text groups kept whole) -> tune each candidate by
group-aware stratified 5-fold CV on train (successive halving, refit on claim recall) ->
choose the champion on validation -> calibrate it on its out-of-fold CV probabilities if that
lowers the validation Brier score -> ablate its feature groups -> test it once -> score every
staged video. The fits run on both cores; `fit_seconds` in the model card times each stage.
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
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import ParameterGrid

from tiktok_claims.ml import features as F
from tiktok_claims.ml import workers
from tiktok_claims.ml.candidates import BASELINE, CANDIDATES, IsotonicCalibrated
from tiktok_claims.ml.splits import assign_splits, cv_folds, text_groups

THRESHOLD = 0.5
# Isotonic: ~11k out-of-fold training probabilities are plenty for it.
CALIBRATION_METHOD = "isotonic"
# Successive halving: the first rung runs trees / boosting rounds at 1/4 of full size.
SCREEN_FACTOR = 4
METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc", "average_precision")


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
    cells = confusion_matrix(y, (p >= THRESHOLD).astype(int), labels=[1, 0])
    names = label_names([1, 0])
    return [
        keys | {"actual_label": names[i], "predicted_label": names[j], "n": int(cells[i, j])}
        for i in range(2)
        for j in range(2)
    ]


def recall_then_f1(cv_means: list[dict]) -> int:
    """Refit rule: best mean CV claim recall; ties (to 4 places) go to the better F1."""
    recall = np.round([m["recall"] for m in cv_means], 4)
    f1 = np.round([m["f1"] for m in cv_means], 4)
    return int(np.lexsort((-f1, -recall))[0])


def _fit_and_score(model, params, X_fit, y_fit, X_eval, y_eval) -> tuple[dict, np.ndarray]:
    model = clone(model).set_params(**params).fit(X_fit, y_fit)
    p = model.predict_proba(X_eval)[:, 1]
    return score(y_eval, p), p


def _mean_scores(folds: list[dict]) -> dict[str, float]:
    """Mean of each metric over the folds' score dicts."""
    return {m: float(np.mean([s[m] for s in folds])) for m in folds[0]}


def _fit(model, X, y):
    return model.fit(X, y)


@dataclass
class SearchResult:
    params: dict  # the chosen setting, at full size
    cv: dict  # its mean CV scores, at full size
    oof: np.ndarray  # its out-of-fold claim probabilities, one per training row
    model: object  # refit on all of train


def _search(searched: dict, X, y, fold_data, folds, n_jobs) -> dict[str, SearchResult]:
    """Successive halving with factor SCREEN_FACTOR over every candidate's grid, each rung one
    batch of jobs on both cores.

    Rung 1: every grid point by stratified group CV; candidates with a size parameter (trees,
    boosting rounds) at 1/SCREEN_FACTOR of it. The best per candidate: claim recall, then F1.
    Rung 2: that setting by CV at full size (these scores and out-of-fold probabilities are
    the ones recorded), plus every candidate's best refit on all of train.
    """
    k = len(folds)

    def cv_jobs(settings):
        # pipeline[1:]: everything after the preprocessing, which fold_data already applied
        return [
            delayed(_fit_and_score)(searched[name][0][1:], params, X_fit, y[a], X_eval, y[b])
            for name, params in settings
            for (X_fit, X_eval), (a, b) in zip(fold_data, folds, strict=True)
        ]

    def summarise(runs) -> list[tuple[dict, np.ndarray]]:
        out = []
        for i in range(0, len(runs), k):
            setting = runs[i : i + k]
            means = _mean_scores([s for s, _ in setting])
            oof = np.empty(len(y))
            for (_, b), (_, p) in zip(folds, setting, strict=True):
                oof[b] = p
            out.append((means, oof))
        return out

    def full_size(name):
        pipeline, _, size = searched[name]
        return {size: pipeline.get_params()[size]} if size else {}

    screen = [
        (name, params | {size: max(1, full_size(name)[size] // SCREEN_FACTOR)} if size else params)
        for name, (_, grid, size) in searched.items()
        for params in ParameterGrid(grid)
    ]
    rung1 = summarise(Parallel(n_jobs=n_jobs)(cv_jobs(screen)))
    best, scores = {}, {}
    for name in searched:
        mine = [i for i, (n, _) in enumerate(screen) if n == name]
        i = mine[recall_then_f1([rung1[j][0] for j in mine])]
        best[name] = screen[i][1] | full_size(name)
        if not full_size(name):
            scores[name] = rung1[i]  # already at full size
    again = [(name, best[name]) for name in searched if name not in scores]
    runs = Parallel(n_jobs=n_jobs)(
        cv_jobs(again)
        + [delayed(_fit)(clone(searched[n][0]).set_params(**best[n]), X, y) for n in searched]
    )
    scores |= dict(zip([n for n, _ in again], summarise(runs[: len(again) * k]), strict=True))
    refits = dict(zip(searched, runs[len(again) * k :], strict=True))
    return {n: SearchResult(best[n], *scores[n], refits[n]) for n in searched}


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


def train(features: pd.DataFrame, seed: int, n_jobs: int = 2, started=None) -> TrainResult:
    """`started`: workers.start(n_jobs) called earlier by the caller, if it was."""
    repeated = features[F.ID_COLUMN].duplicated()
    if repeated.any():
        ids = features.loc[repeated, F.ID_COLUMN].head(5).tolist()
        raise ValueError(f"claim_features: video_id not unique (repeated: {ids})")
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

    # The worker processes start up while the fold matrices are built.
    started = started if started is not None else workers.start(n_jobs)
    fold_data = F.fold_matrices(all_features, X_tr, folds)
    list(started)
    searched = {c.name: (c.build(all_features, seed), c.grid, c.size) for c in CANDIDATES if c.grid}
    search = _search(searched, X_tr, y_tr, fold_data, folds, n_jobs)
    lap("search")
    fitted = {n: r.model for n, r in search.items()}
    params = {n: {k.split("__", 1)[1]: v for k, v in r.params.items()} for n, r in search.items()}
    cv = {n: r.cv for n, r in search.items()}
    # The baseline has nothing to tune: plain CV on the same folds for the record.
    baseline = next(c for c in CANDIDATES if c.name == BASELINE).build(all_features, seed)
    base_folds = [
        _fit_and_score(baseline, {}, X_tr.iloc[a], y_tr[a], X_tr.iloc[b], y_tr[b])[0]
        for a, b in folds
    ]
    cv[BASELINE] = _mean_scores(base_folds)
    fitted[BASELINE] = baseline.fit(X_tr, y_tr)
    params[BASELINE] = {"threshold": fitted[BASELINE].threshold_}
    lap("refit")

    validation = {}
    for cand in CANDIDATES:
        name, model = cand.name, fitted[cand.name]
        p_va = model.predict_proba(X_va)[:, 1]
        validation[name] = score(y_va, p_va)
        record(name, "cv", cv[name] | {"n": len(y_tr)}, params=json.dumps(params[name]))
        record(name, "validation", validation[name], params=json.dumps(params[name]))
        confusions += confusion(y_va, p_va, model_name=name, split="validation")

    # The baseline is the yardstick, not a contender.
    contenders = {k: v for k, v in validation.items() if k != BASELINE}
    champion_name, reason = _pick_champion(contenders, int(y_va.sum()))
    candidate = fitted[champion_name]

    # Calibrate only if it lowers the validation Brier score; record before and after.
    # The isotonic map is fit on the champion's out-of-fold CV probabilities (training rows
    # only); the model itself stays the one refit on all of train.
    before = validation[champion_name]["brier_score"]
    isotonic = IsotonicRegression(out_of_bounds="clip")  # as CalibratedClassifierCV
    calibrated = IsotonicCalibrated(candidate, isotonic.fit(search[champion_name].oof, y_tr))
    p_cal = calibrated.predict_proba(X_va)[:, 1]
    m = score(y_va, p_cal)
    variant = f"calibrated_{CALIBRATION_METHOD}"
    note = (
        f"{CALIBRATION_METHOD} calibration: validation Brier {before:.5f} -> {m['brier_score']:.5f}"
    )
    record(champion_name, "validation", m, variant=variant, note=note)
    confusions += confusion(
        y_va, p_cal, model_name=champion_name, split="validation", variant=variant
    )
    if m["brier_score"] < before:
        champion, final_variant = calibrated, variant
        calibration, best_brier = CALIBRATION_METHOD, m["brier_score"]
        calibration_note = (
            f"{calibration} calibration kept: validation Brier {before:.5f} -> {best_brier:.5f}"
        )
    else:
        champion, final_variant, calibration = candidate, "candidate", "none"
        calibration_note = f"not calibrated: it did not lower validation Brier {before:.5f}"
    lap("calibration")

    # Ablation: the champion recipe (same parameters) on each feature group, and the
    # champion's importance, as one batch on both cores.
    recipe = next(c for c in CANDIDATES if c.name == champion_name)
    recipe_params = {f"model__{k}": v for k, v in params[champion_name].items()}
    ablations = {k: fs for k, fs in F.FEATURE_SETS.items() if k != "all"}
    *ablated, importance = Parallel(n_jobs=n_jobs)(
        [
            delayed(_fit_and_score)(
                recipe.build(fs, seed),
                recipe_params,
                X_tr[fs.input_columns],
                y_tr,
                X_va[fs.input_columns],
                y_va,
            )
            for fs in ablations.values()
        ]
        + [delayed(_importance)(candidate, champion_name, X_va, y_va, seed)]
    )
    record(champion_name, "validation", validation[champion_name], variant="ablation")
    for set_name, (m, p) in zip(ablations, ablated, strict=True):
        record(champion_name, "validation", m, variant="ablation", feature_set=set_name)
        confusions += confusion(
            y_va,
            p,
            model_name=champion_name,
            split="validation",
            variant="ablation",
            feature_set=set_name,
        )
    lap("ablation_importance")

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
        "metrics": metrics_df,
        "feature_importance": importance,
        "confusion_matrix": confusion_df,
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
    shuffles = []  # n_repeats per input column, in order: one predict call for all of them
    for col in X_va.columns:
        if col == F.TEXT_COLUMN:
            outputs = [i for i, n in enumerate(names) if n not in X_va.columns]
        else:
            outputs = [names.index(col)]
        for _ in range(n_repeats):
            shuffled = Xt.copy()
            shuffled[:, outputs] = Xt[rng.permutation(len(Xt))][:, outputs]
            shuffles.append(shuffled)
    p = rest.predict_proba(np.vstack(shuffles))[:, 1].reshape(len(shuffles), len(Xt))
    drops = (base - np.array([average_precision_score(y_va, q) for q in p])).reshape(
        len(X_va.columns), n_repeats
    )
    for col, d in zip(X_va.columns, drops, strict=True):
        rows.append(
            {
                "feature": "transcription n-grams" if col == F.TEXT_COLUMN else col,
                "method": "permutation_validation",
                "importance": float(np.mean(d)),
                "importance_std": float(np.std(d)),
            }
        )
    frame = pd.DataFrame(rows).assign(model_name=name)
    frame["importance_rank"] = (
        frame.groupby("method")["importance"].rank(ascending=False, method="first").astype(int)
    )
    return frame

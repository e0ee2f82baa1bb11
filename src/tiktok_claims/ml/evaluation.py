"""What a moderation team can act on: scores with 95% intervals, the precision-recall and
calibration curves, precision and recall at a daily review capacity, and slices."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
)

# predicted_label = claim when claim_probability >= THRESHOLD
THRESHOLD = 0.5
CAPACITIES = (100, 500, 1000, 2000)
CONFIDENCE = 0.95
BOOTSTRAP_SAMPLES = 2000


def label_names(y) -> np.ndarray:
    return np.where(np.asarray(y) == 1, "claim", "opinion")


def score(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Metrics at THRESHOLD (the same rule that sets predicted_label)."""
    y, p = np.asarray(y), np.asarray(p)
    pred = (p >= THRESHOLD).astype(int)
    both = len(np.unique(y)) == 2
    # one call for the three (each sklearn metric validates its inputs again: ~10 ms a call)
    precision, recall, f1, _ = precision_recall_fscore_support(
        y, pred, average="binary", zero_division=0
    )
    return {
        "n": len(y),
        "accuracy": accuracy_score(y, pred),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "roc_auc": roc_auc_score(y, p) if both else np.nan,
        "average_precision": average_precision_score(y, p) if both else np.nan,
        "brier_score": brier_score_loss(y, p, labels=[0, 1]),
    }


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """Wilson score interval (at zero errors a bootstrap would say [1, 1])."""
    if trials == 0:
        return np.nan, np.nan
    ci = binomtest(int(successes), int(trials)).proportion_ci(CONFIDENCE, method="wilson")
    return float(ci.low), float(ci.high)


def intervals(y: np.ndarray, p: np.ndarray, seed: int) -> dict[str, float]:
    """95% CIs: Wilson for recall and precision, a percentile bootstrap of the rows for F1.

    Resampling rows with replacement is a multinomial draw of the four confusion cells, so
    the bootstrap draws the cells directly.
    """
    y, called = np.asarray(y) == 1, np.asarray(p) >= THRESHOLD
    tp, fp = int((y & called).sum()), int((~y & called).sum())
    fn, tn = int((y & ~called).sum()), int((~y & ~called).sum())
    n = tp + fp + fn + tn
    cells = np.random.default_rng(seed).multinomial(
        n, np.array([tp, fp, fn, tn]) / n, size=BOOTSTRAP_SAMPLES
    )
    denominator = 2 * cells[:, 0] + cells[:, 1] + cells[:, 2]
    f1 = np.divide(2 * cells[:, 0], denominator, out=np.zeros(len(cells)), where=denominator > 0)
    tail = (1 - CONFIDENCE) / 2 * 100
    recall, precision = wilson(tp, tp + fn), wilson(tp, tp + fp)
    return {
        "recall_ci_low": recall[0],
        "recall_ci_high": recall[1],
        "precision_ci_low": precision[0],
        "precision_ci_high": precision[1],
        "f1_ci_low": float(np.percentile(f1, tail)),
        "f1_ci_high": float(np.percentile(f1, 100 - tail)),
    }


def curves(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> pd.DataFrame:
    """Precision-recall curve (x recall, y precision, per threshold) and the reliability curve
    (x mean predicted probability, y observed claim share, per non-empty probability bin)."""
    precision, recall, thresholds = precision_recall_curve(y, p)
    pr = pd.DataFrame(
        {
            "curve": "precision_recall",
            "x": recall[:-1],
            "y": precision[:-1],
            "threshold": thresholds,
            "bin": pd.NA,
            "n": pd.NA,
        }
    )
    observed, predicted = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    edges = np.linspace(0, 1, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], p, side="right")
    counts = np.bincount(bins, minlength=n_bins)
    calibration = pd.DataFrame(
        {
            "curve": "calibration",
            "x": predicted,
            "y": observed,
            "threshold": np.nan,
            "bin": np.flatnonzero(counts),
            "n": counts[counts > 0],
        }
    )
    return pd.concat([pr, calibration], ignore_index=True)


def capacity(y: np.ndarray, p: np.ndarray, queue_size: int) -> pd.DataFrame:
    """Precision and recall of the top of the ranked test queue, per daily capacity k.

    The test set stands in for a day's queue of `queue_size` reports: reviewing k of them is a
    share k / queue_size, which on test means its top round(share * test size) videos.
    """
    order = np.argsort(-np.asarray(p), kind="stable")
    ranked = np.asarray(y)[order] == 1
    rows = []
    for k in CAPACITIES:
        share = min(k / queue_size, 1.0)
        reviewed = int(round(share * len(ranked)))
        found = int(ranked[:reviewed].sum())
        rows.append(
            {
                "daily_capacity": k,
                "queue_share": share,
                "test_videos_reviewed": reviewed,
                "claims_found": found,
                "precision_at_k": found / reviewed if reviewed else np.nan,
                "recall_at_k": found / max(int(ranked.sum()), 1),
            }
        )
    return pd.DataFrame(rows)


def slices(frame: pd.DataFrame, y: np.ndarray, p: np.ndarray) -> pd.DataFrame:
    """Champion metrics per verified status and per author ban status (test rows)."""
    rows = []
    for column in ("verified_status", "author_ban_status"):
        for value, members in frame.groupby(column, sort=True).groups.items():
            at = frame.index.get_indexer(members)
            m = score(y[at], p[at])
            rows.append(
                {"slice_by": column, "slice_value": value, "claims": int(y[at].sum())}
                | {k: m[k] for k in ("n", "accuracy", "precision", "recall", "f1")}
            )
    return pd.DataFrame(rows)

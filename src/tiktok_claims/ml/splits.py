"""Train/validation/test assignment: stratified 60/20/20, identical texts kept together.

Groups (one per distinct transcription) are shuffled with the seed and dealt into folds
class by class, cutting each class's running row count into equal parts. That keeps
every fold's claim share close to the whole's and never splits a group. (sklearn's
StratifiedGroupKFold does the same job but loops over groups in Python: ~10 s here.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SPLITS = ("train", "validation", "test")


def text_groups(texts: pd.Series) -> np.ndarray:
    """One group id per distinct transcription (missing texts each form their own group)."""
    codes = pd.factorize(texts, use_na_sentinel=True)[0]
    missing = codes < 0
    codes[missing] = codes.max() + 1 + np.arange(missing.sum())
    return codes


def group_folds(y: np.ndarray, groups: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number (0..n_folds-1) per row: stratified by class, groups never split."""
    frame = pd.DataFrame({"y": np.asarray(y), "group": np.asarray(groups)})
    per_group = frame.groupby("group").agg(size=("y", "size"), y=("y", "mean"))
    # A group with mixed labels goes with its majority class.
    per_group["cls"] = (per_group["y"] >= 0.5).astype(int)
    rng = np.random.default_rng(seed)
    per_group = per_group.iloc[rng.permutation(len(per_group))]
    fold = pd.Series(0, index=per_group.index)
    for _, members in per_group.groupby("cls"):
        # Cut the running row count at the group's midpoint into n_folds equal shares.
        middle = members["size"].cumsum() - members["size"] / 2
        fold[members.index] = np.floor(middle / members["size"].sum() * n_folds).astype(int)
    return fold.loc[frame["group"]].to_numpy()


def assign_splits(y: np.ndarray, groups: np.ndarray, seed: int) -> np.ndarray:
    """'train' / 'validation' / 'test' per labeled row: folds 0 and 1 of five, and the rest."""
    fold = group_folds(y, groups, 5, seed)
    return np.select([fold == 0, fold == 1], ["test", "validation"], "train").astype(object)


def cv_folds(y: np.ndarray, groups: np.ndarray, seed: int, n_splits: int = 5) -> list:
    """(train, test) index pairs over the training rows, computed once for every search."""
    fold = group_folds(y, groups, n_splits, seed)
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(n_splits)]

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


# Generalisation split. The label is nearly a function of how a transcription opens ("a friend
# read ...", "my view is ..."), so holding out one template ("a colleague read") while training
# on its twin ("a friend read") proves little. Rows are grouped by the key word of the opening
# clause instead: the first word that is not a subject or determiner ("read", "learned",
# "discovered", "told"; "think", "view", "belief", ...), with a plural -s folded in. Held-out
# rows then share no opening pattern with the rows the model learns from.
OPENING_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "someone",
        "somebody",
        "friend",
        "friends",
        "colleague",
        "colleagues",
        "colleagues'",
        "family",
        "family's",
        "friends'",
        "news",
        "media",
        "me",
        "i'm",
    ]
)


def phrasing_family(texts: pd.Series) -> pd.Series:
    """The opening clause's key word per transcription ('' when there is no text)."""
    words = texts.fillna("").str.lower().str.split().str[:8]

    def key(tokens: list[str]) -> str:
        for word in tokens:
            word = word.strip(',.;:!?"')
            if word and word not in OPENING_FILLER:
                # fold 'thinks' into 'think'; leave 'is'/'has' alone
                return word[:-1] if len(word) > 4 and word.endswith("s") else word
        return ""

    return words.map(key)


def held_out_families(
    family: pd.Series, y: np.ndarray, seed: int, share: float = 0.2
) -> frozenset[str]:
    """Families held out of training: per class, a seeded shuffle of its families taken in
    order until they cover `share` of that class's rows (so both classes are tested)."""
    frame = pd.DataFrame({"family": family.to_numpy(), "y": np.asarray(y)})
    frame = frame[frame["family"] != ""]
    majority = frame.groupby("family")["y"].agg(["mean", "size"])
    rng = np.random.default_rng(seed)
    chosen: list[str] = []
    for cls in (1, 0):
        members = majority[(majority["mean"] >= 0.5) == bool(cls)]
        members = members.iloc[rng.permutation(len(members))]
        covered = members["size"].cumsum() / members["size"].sum()
        # the families up to and including the one that crosses `share`
        chosen += list(members.index[: int(np.searchsorted(covered.to_numpy(), share)) + 1])
    return frozenset(chosen)

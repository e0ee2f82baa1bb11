"""Feature groups of marts.claim_features and the preprocessing each model uses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.impute import SimpleImputer

TEXT_COLUMN = "video_transcription_text"
LABEL_COLUMN = "is_claim"
ID_COLUMN = "video_id"
# The team's earlier work: 2-3-word n-grams, the 15 most frequent (on training rows).
NGRAM_RANGE = (2, 3)
MAX_NGRAMS = 15

ENGAGEMENT = [
    "video_duration_sec",
    "video_view_count",
    "video_like_count",
    "video_share_count",
    "video_download_count",
    "video_comment_count",
    "likes_per_view",
    "comments_per_view",
    "shares_per_view",
    "downloads_per_view",
]
TEXT_SHAPE = ["transcription_char_count", "transcription_word_count"]
VERIFIED = ["verified_status__verified", "verified_status__not_verified"]
BAN_STATUS = [
    "author_ban_status__active",
    "author_ban_status__under_review",
    "author_ban_status__banned",
]


@dataclass(frozen=True)
class FeatureSet:
    """Numeric columns plus, optionally, the transcription n-grams."""

    numeric: tuple[str, ...]
    text: bool

    @property
    def input_columns(self) -> list[str]:
        return [*self.numeric, *([TEXT_COLUMN] if self.text else [])]


FEATURE_SETS: dict[str, FeatureSet] = {
    "all": FeatureSet((*ENGAGEMENT, *TEXT_SHAPE, *VERIFIED, *BAN_STATUS), text=True),
    "engagement_only": FeatureSet(tuple(ENGAGEMENT), text=False),
    "text_only": FeatureSet(tuple(TEXT_SHAPE), text=True),
    # Ban status may be decided after the claim is judged: not known at report time.
    "no_ban_status": FeatureSet((*ENGAGEMENT, *TEXT_SHAPE, *VERIFIED), text=True),
}


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Model inputs from feature-mart rows: numbers as float, missing text as ''."""
    out = frame[list(FEATURE_SETS["all"].numeric)].astype("float64")
    out[TEXT_COLUMN] = frame[TEXT_COLUMN].fillna("").astype(str)
    return out


def labels(frame: pd.DataFrame) -> np.ndarray:
    """1 = claim, 0 = opinion (labeled rows only)."""
    return frame[LABEL_COLUMN].astype(bool).to_numpy().astype(np.int64)


def preprocessor(feature_set: FeatureSet) -> ColumnTransformer:
    """Median-impute numbers (unlabeled rows have no counts); n-gram counts for the text."""
    parts = [("num", SimpleImputer(strategy="median"), list(feature_set.numeric))]
    if feature_set.text:
        vectorizer = CountVectorizer(ngram_range=NGRAM_RANGE, max_features=MAX_NGRAMS)
        parts.append(("ngram", vectorizer, TEXT_COLUMN))
    # Dense output: 32 columns at most, and every model accepts it.
    return ColumnTransformer(parts, sparse_threshold=0, verbose_feature_names_out=False)


def fold_matrices(feature_set: FeatureSet, X: pd.DataFrame, folds: list) -> list[tuple]:
    """What preprocessor(feature_set), fit on each fold's training rows, outputs for the
    fold's training and held-out rows, without counting the n-grams once per fold.

    Every row's n-grams are counted once. A fold's vocabulary is then its training rows'
    MAX_NGRAMS most frequent, picked exactly as CountVectorizer(max_features) picks them
    (same counts in the same order, same argsort), so the matrices equal a per-fold fit.
    """
    numeric = list(feature_set.numeric)
    counts = None
    if feature_set.text:
        # the preprocessor's own vectorizer, every n-gram kept: the same analyzer by construction
        steps = {name: step for name, step, _ in preprocessor(feature_set).transformers}
        every = steps["ngram"].set_params(max_features=None)
        counts = every.fit_transform(X[TEXT_COLUMN]).tocsr()
    out = []
    for fit_rows, eval_rows in folds:
        imputer = SimpleImputer(strategy="median").fit(X.iloc[fit_rows][numeric])
        keep = []
        if counts is not None:
            totals = np.asarray(counts[fit_rows].sum(axis=0)).ravel()
            seen = np.flatnonzero(totals)
            keep = np.sort(seen[(-totals[seen]).argsort()[:MAX_NGRAMS]])

        def block(rows, imputer=imputer, keep=keep):
            parts = [imputer.transform(X.iloc[rows][numeric])]
            if counts is not None:
                parts.append(counts[rows][:, keep].toarray())
            return np.hstack(parts).astype(np.float64)

        out.append((block(fit_rows), block(eval_rows)))
    return out

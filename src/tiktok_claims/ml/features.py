"""Feature sets of marts.claim_features, named by when they are known, and the preprocessing.

`report_time` is what a moderator has when a report arrives: the transcription, whether the
account is verified and how long the video is. Author ban status is left out of it: a ban can
follow from the very claim being judged (banned authors post 88% claims in the real file), so
it is a moderation outcome, not a report-time fact. `with_engagement` adds the final counts
and per-view rates, which a just-reported video has not reached yet.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import MinMaxScaler

TEXT_COLUMN = "video_transcription_text"
LABEL_COLUMN = "is_claim"
ID_COLUMN = "video_id"
# TF-IDF defaults; the search tunes both (the course's 15 n-grams live in bench/notebook_flow.py).
MAX_FEATURES = 300
NGRAM_RANGE = (1, 2)

REPORT_TIME_NUMERIC = ("verified_status__verified", "video_duration_sec")
COUNTS = (
    "video_view_count",
    "video_like_count",
    "video_share_count",
    "video_download_count",
    "video_comment_count",
    "likes_per_view",
    "comments_per_view",
    "shares_per_view",
    "downloads_per_view",
)
BAN_STATUS = (
    "author_ban_status__active",
    "author_ban_status__under_review",
    "author_ban_status__banned",
)
BAN_STATUS_REASON = (
    "author ban status is left out: a ban can be set after, and because of, the claim being "
    "judged, so it is not known when a report arrives (it would leak the label)"
)


@dataclass(frozen=True)
class FeatureSet:
    """Numeric columns plus, optionally, the transcription's TF-IDF terms."""

    numeric: tuple[str, ...]
    text: bool

    @property
    def input_columns(self) -> list[str]:
        return [*([TEXT_COLUMN] if self.text else []), *self.numeric]


FEATURE_SETS: dict[str, FeatureSet] = {
    "report_time": FeatureSet(REPORT_TIME_NUMERIC, text=True),
    "with_engagement": FeatureSet((*REPORT_TIME_NUMERIC, *COUNTS), text=True),
    # ablations
    "text_only": FeatureSet((), text=True),
    "engagement_only": FeatureSet(("video_duration_sec", *COUNTS), text=False),
}
CHAMPION_FEATURE_SET = "report_time"
ALL_NUMERIC = tuple(dict.fromkeys(c for fs in FEATURE_SETS.values() for c in fs.numeric))


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Model inputs from feature-mart rows: numbers as float (NaN kept), text as str."""
    out = pd.DataFrame({TEXT_COLUMN: frame[TEXT_COLUMN].fillna("").astype(str).astype(object)})
    for column in ALL_NUMERIC:
        if column in frame:
            out[column] = frame[column].astype("float64")
    return out


def missing_inputs(frame: pd.DataFrame, feature_set: FeatureSet) -> pd.Series:
    """Per row, why it cannot be scored ('' when it can): an input the model reads is missing.

    No value is made up (no median fill): such a row goes to a moderator unscored.
    """
    reasons = pd.Series("", index=frame.index, dtype=object)
    if feature_set.text:
        text = frame[TEXT_COLUMN]
        reasons[text.isna() | (text.astype(str).str.strip() == "")] = "no transcription"
    for column in feature_set.numeric:
        gap = frame[column].isna() & (reasons == "")
        reasons[gap] = f"no {column.replace('_', ' ')}"
    return reasons


def labels(frame: pd.DataFrame) -> np.ndarray:
    """1 = claim, 0 = opinion (labeled rows only)."""
    return frame[LABEL_COLUMN].astype(bool).to_numpy().astype(np.int64)


# Parameters that change which tokens a text yields (ngram_range aside: the corpus holds every
# n up to its own maximum, and a vectorizer takes the columns of its range).
_TOKEN_PARAMS = (
    "input",
    "encoding",
    "decode_error",
    "strip_accents",
    "lowercase",
    "preprocessor",
    "tokenizer",
    "analyzer",
    "stop_words",
    "token_pattern",
)
_corpus: dict = {}


@contextmanager
def counted_once(texts, ngram_range: tuple[int, int] = NGRAM_RANGE):
    """Within the block, CountedTfidfVectorizer reads the token counts of `texts` from one
    count matrix instead of tokenising them again on every fit and transform."""
    unique = pd.unique(pd.Series(texts, dtype=object).fillna(""))
    counter = CountVectorizer(ngram_range=(1, ngram_range[1]), dtype=np.int64)
    counts = counter.fit_transform(unique).tocsr()
    terms = counter.get_feature_names_out()  # sorted, as sklearn's own vocabulary
    _corpus.update(
        key=tuple(counter.get_params()[p] for p in _TOKEN_PARAMS),
        max_n=ngram_range[1],
        row={text: i for i, text in enumerate(unique)},
        counts=counts,
        terms=terms,
        column={t: i for i, t in enumerate(terms)},
        n=np.char.count(terms.astype(str), " ") + 1,
    )
    try:
        yield
    finally:
        _corpus.clear()


class CountedTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer whose token counts come from the `counted_once` matrix when it covers
    the texts, else from sklearn's own counting; vocabulary, idf and output are identical."""

    # Custom because sklearn tokenised the same transcriptions ~80 times per fit on the real
    # file (46 s of an 86 s profile at load 7); read from one count matrix: 4 s of 38 s.
    def _count_vocab(self, raw_documents, fixed_vocab):
        low, high = self.ngram_range
        params = self.get_params()
        if (
            not _corpus
            or tuple(params[p] for p in _TOKEN_PARAMS) != _corpus["key"]
            or high > _corpus["max_n"]
        ):
            return super()._count_vocab(raw_documents, fixed_vocab)
        row = _corpus["row"]
        rows = np.fromiter((row.get(text, -1) for text in raw_documents), dtype=np.int64)
        if (rows < 0).any():  # a text not counted
            return super()._count_vocab(raw_documents, fixed_vocab)
        counts = _corpus["counts"][rows]
        if fixed_vocab:
            vocabulary = self.vocabulary_
            terms = sorted(vocabulary, key=vocabulary.get)
            columns = np.array([_corpus["column"].get(t, -1) for t in terms])
            known = columns >= 0
            picked = counts[:, np.where(known, columns, 0)].tocsc()
            picked = picked.multiply(known.astype(np.int64)[None, :]).tocsr()
        else:
            in_range = (_corpus["n"] >= low) & (_corpus["n"] <= high)
            seen = in_range & (np.bincount(counts.indices, minlength=counts.shape[1]) > 0)
            columns = np.flatnonzero(seen)
            vocabulary = {t: i for i, t in enumerate(_corpus["terms"][columns])}
            picked = counts[:, columns]
        X = type(counts)(picked, dtype=self.dtype)
        X.eliminate_zeros()
        X.sort_indices()
        return vocabulary, X


def preprocessor(feature_set: FeatureSet) -> ColumnTransformer:
    """TF-IDF of the transcription (fit on the rows it is fit on: training folds only), and
    numbers scaled to [0, 1] (clipped, so naive Bayes never sees a negative value)."""
    parts = []
    if feature_set.text:
        vectorizer = CountedTfidfVectorizer(max_features=MAX_FEATURES, ngram_range=NGRAM_RANGE)
        parts.append(("text", vectorizer, TEXT_COLUMN))
    if feature_set.numeric:
        parts.append(("num", MinMaxScaler(clip=True), list(feature_set.numeric)))
    return ColumnTransformer(parts, verbose_feature_names_out=False)

"""`tiktok-claims score FILE`: score a raw-schema file with the saved champion, never retraining.

The file goes through the same ingestion rules as the build (rejected rows are reported with
their reasons and not scored), rows missing an input the champion reads get
needs_manual_review instead of a score, and the rest get claim_probability and
predicted_label = claim when claim_probability >= the card's threshold (0.5). The threshold
only names the call: a team that can review k reports a day takes the top k of the queue by
claim_probability (ml.claim_classifier_capacity shows the precision and recall at each k).
"""

from __future__ import annotations

import copy
import os
from collections import Counter
from concurrent.futures import Future
from contextlib import ExitStack
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import sparse
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import normalize

from tiktok_claims import ingest
from tiktok_claims.ml import features as F
from tiktok_claims.ml import persist
from tiktok_claims.ml.candidates import pipeline_of
from tiktok_claims.ml.evaluation import label_names

OUTPUT_COLUMNS = (
    "video_id",
    "claim_probability",
    "predicted_label",
    "model_version",
    "needs_manual_review",
    "manual_review_reason",
)


class ScoreError(ValueError):
    """The file cannot be scored; the message (one sentence) says why."""


def stage_rows(con: duckdb.DuckDBPyConnection, staged_file: ingest.StagedFile) -> pd.DataFrame:
    """Put the rows of `staged_file` (ingest.stage_file on `con`: the SQL dbt runs) into the
    temp table `rows`: every record of the file, staged or rejected. Returns the rejected rows."""
    staged, rejected = staged_file
    con.sql(
        f"""
        create or replace temp table rows as
        select
            source_row_number, cast(null as varchar) as rejection_reason,
            {F.ID_COLUMN}, {F.TEXT_COLUMN},
            cast(is_verified as integer) as verified_status__verified,
            video_duration_sec
        from staged
        union all
        select
            source_row_number, rejection_reason, null, null, null, null
        from rejected
        """
    )
    # in file order: the staging table is in the duplicate check's order, not the file's
    return (
        rejected.select("source_row_number, source_line, rejection_reason")
        .order("source_row_number")
        .df()
    )


def _tfidf_supported(vectorizer) -> bool:
    """The settings _tfidf_sql reproduces exactly (everything else: sklearn's own transform)."""
    p = vectorizer.get_params()
    return (
        p["analyzer"] == "word"
        and p["lowercase"]
        and p["token_pattern"] == r"(?u)\b\w\w+\b"
        and p["tokenizer"] is None
        and p["preprocessor"] is None
        and p["stop_words"] is None
        and tuple(p["ngram_range"]) in ((1, 1), (1, 2))
        and p["norm"] == "l2"
        and not p["sublinear_tf"]
        and p["strip_accents"] is None
    )


def _tfidf_sql(con, vectorizer) -> sparse.csr_matrix:
    """TfidfVectorizer.transform of `docs(rid, text)`, computed by DuckDB on every core.

    sklearn tokenises in pure Python: ~8 s for 1M transcriptions on one core, ~1 s here.
    Repeated texts are tokenised once.
    Tokens: maximal runs of 2+ letters, digits or '_' of the lowercased text, which is what
    the default token_pattern (?u)\b\\w\\w+\b matches; bigrams join two with a space.
    """
    terms = vectorizer.vocabulary_
    vocab = pd.DataFrame(
        {"term": list(terms), "col": np.fromiter(terms.values(), dtype=np.int32, count=len(terms))}
    )
    con.register("vocab", vocab)
    bigrams = ""
    if tuple(vectorizer.ngram_range) == (1, 2):
        bigrams = " || list_transform(range(1, len(t)), lambda i: t[i] || ' ' || t[i + 1])"
    pattern = r"[\pL\pN_]{2,}"
    # Each distinct text is tokenised once (tid), then every row takes its text's row.
    con.sql(
        "create or replace temp table doc_texts as select text, row_number() over () - 1 as tid "
        "from (select distinct text from docs)"
    )
    # One row per known token; scipy adds up the repeats (the counts): at 1M rows this took
    # 0.9 s, against 1.6 s for a GROUP BY (text, term) in DuckDB.
    tokens = con.sql(
        f"""
        select cast(tokens.tid as integer) as tid, vocab.col
        from (
            select tid, unnest(t{bigrams}) as term
            from (select tid, regexp_extract_all(lower(text), '{pattern}') as t from doc_texts)
        ) as tokens
        inner join vocab on tokens.term = vocab.term
        """
    ).fetchnumpy()
    tid_of_row = con.sql(
        "select doc_texts.tid from docs inner join doc_texts using (text) order by docs.rid"
    ).fetchnumpy()["tid"]
    n_texts = con.sql("select count(*) from doc_texts").fetchall()[0][0]
    con.unregister("vocab")
    tid, col = tokens["tid"], tokens["col"]
    by_text = sparse.csr_matrix(
        (vectorizer.idf_[col], (tid, col)), shape=(n_texts, len(terms)), dtype=np.float64
    )
    by_text.sum_duplicates()  # count * idf per (text, term)
    return normalize(by_text, copy=False)[tid_of_row]  # l2, text by text


def _skip_prep(champion):
    """The champion with its fitted preprocessing replaced by 'passthrough' (for input that
    is already transformed); the original is untouched."""
    if hasattr(champion, "calibrated_classifiers_"):
        outer = copy.copy(champion)
        outer.calibrated_classifiers_ = []
        for inner in champion.calibrated_classifiers_:
            inner = copy.copy(inner)
            inner.estimator = _skip_prep(inner.estimator)
            outer.calibrated_classifiers_.append(inner)
        return outer
    if isinstance(champion, FrozenEstimator):
        return FrozenEstimator(_skip_prep(champion.estimator))
    pipeline = copy.copy(champion)
    pipeline.steps = [("prep", "passthrough")] + [(n, copy.copy(s)) for n, s in champion.steps[1:]]
    return pipeline


def _prep(champion):
    return pipeline_of(champion).named_steps["prep"]


def predict(con, champion, frame: pd.DataFrame) -> np.ndarray:
    """Claim probabilities for `frame` (rows of the champion's inputs); `docs(rid, text)` in
    `con` holds the same rows' text when the TF-IDF step is computed in DuckDB."""
    prep = _prep(champion)
    text = prep.named_transformers_.get("text")
    if text is None or not _tfidf_supported(text):
        return champion.predict_proba(F.prepare(frame))[:, 1]
    blocks = []
    for name, transformer, columns in prep.transformers_:
        if name == "text":
            blocks.append(_tfidf_sql(con, transformer))
        elif transformer != "drop":
            blocks.append(sparse.csr_matrix(transformer.transform(frame[columns].astype(float))))
    X = sparse.hstack(blocks, format="csr")
    fast = _skip_prep(champion)
    model = pipeline_of(fast).named_steps["model"]
    if "n_jobs" in model.get_params():
        model.set_params(n_jobs=os.cpu_count())  # trees predict in threads (the GIL is released)
    return fast.predict_proba(X)[:, 1]


def score_staged(con, champion, card: dict) -> pd.DataFrame:
    """The output columns for the staged rows of the temp table `rows`."""
    feature_set = F.FEATURE_SETS[card["feature_set"]]
    numeric = ", ".join(feature_set.numeric)
    con.sql(
        f"""
        create or replace temp table scorable as
        select
            row_number() over (order by source_row_number) - 1 as pos,
            {F.ID_COLUMN}, {F.TEXT_COLUMN}, {numeric},
            {F.TEXT_COLUMN} is null as no_text
        from rows where rejection_reason is null
        """
    )
    frame = con.sql(f"select {F.ID_COLUMN}, no_text, {numeric} from scorable order by pos").df()
    frame[F.TEXT_COLUMN] = np.where(frame.pop("no_text"), None, "x")  # presence is enough here
    reason = F.missing_inputs(frame, feature_set).to_numpy()
    ok = reason == ""
    con.register("ok", pd.DataFrame({"pos": np.flatnonzero(ok)}))
    con.sql(
        "create or replace temp table docs as select row_number() over (order by pos) - 1 "
        f"as rid, {F.TEXT_COLUMN} as text from scorable semi join ok using (pos)"
    )
    p = np.full(len(frame), np.nan)
    if ok.any():
        p[ok] = predict(con, champion, frame[ok].reset_index(drop=True))
    return pd.DataFrame(
        {
            "video_id": frame[F.ID_COLUMN].to_numpy(),
            "claim_probability": p,
            "predicted_label": np.where(ok, label_names(p >= card["threshold"]), None),
            "model_version": model_version(card),
            "needs_manual_review": ~ok,
            "manual_review_reason": np.where(ok, None, reason),
        }
    )


def model_version(card: dict) -> str:
    return f"{card['model_name']}-{card['model_sha256'][:12]}"


def _write(frame: pd.DataFrame, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    fmt = "parquet" if out.suffix.lower() == ".parquet" else "csv"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with duckdb.connect() as con:
        con.register("scored", table)
        con.sql(f"copy scored to '{str(partial).replace(chr(39), chr(39) * 2)}' (format {fmt})")
    os.replace(partial, out)  # readers never see a half-written file


def score_file(
    path: str | os.PathLike,
    out: str | os.PathLike | None = None,
    model_dir=None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    staging: Future | None = None,
) -> tuple[Path, int, pd.DataFrame]:
    """Score `path`; returns (output path, rows scored or flagged, rejected rows).

    Rejected rows are written beside the output as <out>.rejected.csv. `staging`, when given,
    is ingest.stage_file(path, con) already running on `con` (the command starts it before
    it imports scikit-learn); otherwise the file is staged here, once the model has loaded.
    """
    path = Path(path)
    out = Path(out) if out is not None else path.with_name(path.stem + ".scores.csv")
    model, card = persist.load(model_dir)
    with ExitStack() as owned:
        if con is None:
            con = owned.enter_context(duckdb.connect())
        staged_file = staging.result() if staging is not None else ingest.stage_file(path, con)
        rejected = stage_rows(con, staged_file)
        # stage_file has refused an empty or header-only file already
        total = con.sql("select count(*) from rows").fetchall()[0][0]
        if total == len(rejected):
            reasons = ", ".join(
                f"{r} ({n})" for r, n in Counter(rejected["rejection_reason"]).items()
            )
            raise ScoreError(f"{path}: every row was rejected by the ingestion rules: {reasons}")
        scored = score_staged(con, model, card)
    _write(scored, out)
    rejected_path = out.with_name(out.stem + ".rejected.csv")
    if len(rejected):
        rejected.to_csv(rejected_path, index=False)
    elif rejected_path.exists():
        rejected_path.unlink()  # a stale list from an earlier run would mislead
    return out, len(scored), rejected

"""Model versions and retraining on request (`make retrain`).

The fixed evaluation set is never trained on: the initial file's test split plus the decided
videos whose id is 0 mod 5 (fixed by the id, so the same videos every time). Retraining fits
on every other labeled row (the initial labels plus the current moderator decisions), scores
the old and the new champion on the evaluation set and promotes the new one only if it is not
worse: claim recall first, then F1. The old file is kept under models/versions/<version>/,
and both are recorded in model_versions.json (read by ml.model_versions).
"""

from __future__ import annotations

import json
import shutil
from contextlib import nullcontext
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from tiktok_claims.ml import evaluation as E
from tiktok_claims.ml import features as F
from tiktok_claims.ml import persist, train
from tiktok_claims.ml.scoring import model_version
from tiktok_claims.paths import connect_readonly

VERSIONS_FILE = "model_versions.json"
ARCHIVE_DIR = "versions"
EVAL_MODULUS = 5
METRICS = ("recall", "precision", "f1")
COLUMNS = (
    "version",
    "model_name",
    "sha256",
    "trained_at",
    "training_rows",
    "evaluation_rows",
    *METRICS,
    "promoted",
    "is_champion",
    "reason",
)


def history(directory: Path | None = None) -> pd.DataFrame:
    """Every recorded version; before any retrain, the champion `make run` trained."""
    directory = Path(directory) if directory is not None else persist.model_dir()
    path = directory / VERSIONS_FILE
    if path.is_file():
        rows = json.loads(path.read_text())
    else:
        card = persist.read_card(directory)
        rows = [_record(card, {}, None, True, "first champion (trained by make run)")]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    current = persist.read_card(directory)["model_sha256"]
    frame["is_champion"] = frame["sha256"] == current
    return frame


def _record(card: dict, metrics: dict, evaluation_rows, promoted: bool, reason: str) -> dict:
    return {
        "version": model_version(card),
        "model_name": card["model_name"],
        "sha256": card["model_sha256"],
        "trained_at": card["created_at"],
        "training_rows": card.get("training_rows"),
        "evaluation_rows": evaluation_rows,
        **{m: metrics.get(m) for m in METRICS},
        "promoted": promoted,
        "is_champion": promoted,
        "reason": reason,
    }


# ------------------------------------------------------------------ the labeled data

DECIDED_FEATURES = """
with latest as (
    select r.*, row_number() over (partition by r.video_id order by r.batch_seq desc) as k
    from intermediate.int_reports as r
    semi join marts.moderator_decisions as d on r.video_id = d.video_id and d.is_current
)
select
    latest.video_id,
    d.decision as claim_status,
    true as is_labeled,
    d.decision = 'claim' as is_claim,
    latest.video_transcription_text,
    latest.video_duration_sec,
    latest.video_view_count, latest.video_like_count, latest.video_share_count,
    latest.video_download_count, latest.video_comment_count,
    latest.video_like_count / nullif(latest.video_view_count, 0) as likes_per_view,
    latest.video_comment_count / nullif(latest.video_view_count, 0) as comments_per_view,
    latest.video_share_count / nullif(latest.video_view_count, 0) as shares_per_view,
    latest.video_download_count / nullif(latest.video_view_count, 0) as downloads_per_view,
    cast(latest.verified_status = 'verified' as integer) as verified_status__verified,
    cast(latest.verified_status = 'not verified' as integer) as verified_status__not_verified,
    cast(latest.author_ban_status = 'active' as integer) as author_ban_status__active,
    cast(latest.author_ban_status = 'under review' as integer) as author_ban_status__under_review,
    cast(latest.author_ban_status = 'banned' as integer) as author_ban_status__banned
from latest
inner join marts.moderator_decisions as d on latest.video_id = d.video_id and d.is_current
where latest.k = 1
"""


def labeled_rows(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, np.ndarray]:
    """Every labeled video (a decision replaces the file's label) and the evaluation mask."""
    initial = con.sql("select * from marts.claim_features where is_labeled").df()
    test_ids = {
        v
        for (v,) in con.sql(
            "select video_id from ml.claim_predictions where split = 'test'"
        ).fetchall()
    }
    decided = con.sql(DECIDED_FEATURES).df()
    initial = initial[~initial[F.ID_COLUMN].isin(decided[F.ID_COLUMN])]
    rows = pd.concat([initial, decided], ignore_index=True)[initial.columns]
    ids = rows[F.ID_COLUMN]
    from_decisions = ids.isin(decided[F.ID_COLUMN]).to_numpy()
    evaluation = np.where(from_decisions, ids % EVAL_MODULUS == 0, ids.isin(test_ids))
    return rows, evaluation


def evaluate(model, card: dict, rows: pd.DataFrame) -> dict:
    """Recall, precision and F1 at the card's threshold on the scorable evaluation rows."""
    scorable = (F.missing_inputs(rows, F.FEATURE_SETS[card["feature_set"]]) == "").to_numpy()
    p = model.predict_proba(F.prepare(rows[scorable]))[:, 1]
    scores = E.score(F.labels(rows[scorable]), p)
    return {m: float(scores[m]) for m in METRICS} | {"n": int(scorable.sum())}


def not_worse(new: dict, old: dict) -> bool:
    """Claim recall first, then F1: promote when the new pair is at least the old one."""
    return (new["recall"], new["f1"]) >= (old["recall"], old["f1"])


def retrain(
    con: duckdb.DuckDBPyConnection | None = None, seed: int = 42, directory: Path | None = None
) -> dict:
    """Fit, compare on the evaluation set, promote if not worse; returns both records.

    `con` is the build's connection (model_versions_fit); without it, the last good warehouse.
    """
    directory = Path(directory) if directory is not None else persist.model_dir()
    with connect_readonly() if con is None else nullcontext(con) as con:
        rows, evaluation = labeled_rows(con)
        initial = con.sql("select * from marts.claim_features").df()
    old_model, old_card = persist.load(directory)
    log = history(directory).drop(columns="is_champion").to_dict("records")

    fit_rows = rows[~evaluation].reset_index(drop=True)
    new_model, new_card, tables = train.train(train.Data.from_features(fit_rows, seed), seed)
    eval_rows = rows[evaluation].reset_index(drop=True)
    old_scores, new_scores = (
        evaluate(old_model, old_card, eval_rows),
        evaluate(new_model, new_card, eval_rows),
    )
    promoted = not_worse(new_scores, old_scores)
    archive(directory, old_card, directory)  # the old file stays, whatever happens
    # `make run` keeps a saved model trained on this warehouse's data: the card names the
    # initial file's labeled rows it belongs to; what it was fit on is under `retrained`
    new_card["retrained"] = {
        "fit_rows_sha256": new_card["training_data_sha256"],
        "fit_rows": len(fit_rows),
        "evaluation_rows": int(evaluation.sum()),
    }
    new_card["training_data_sha256"] = train.data_hash(initial)
    target = directory if promoted else directory / ARCHIVE_DIR / "candidate"
    persist.save(new_model, new_card, target, results=tables or None)
    new_card = persist.read_card(target)
    archive(target, new_card, directory)
    if not promoted:
        shutil.rmtree(target)
    verdict = (
        f"recall {new_scores['recall']:.3f} vs {old_scores['recall']:.3f}, "
        f"F1 {new_scores['f1']:.3f} vs {old_scores['f1']:.3f} on the same "
        f"{new_scores['n']} evaluation videos"
    )
    old_version = model_version(old_card)
    log = [r for r in log if r["version"] != old_version]
    log.append(_record(old_card, old_scores, old_scores["n"], True, "champion before retrain"))
    log.append(
        _record(
            new_card,
            new_scores,
            new_scores["n"],
            promoted,
            ("promoted: not worse, " if promoted else "not promoted: worse, ") + verdict,
        )
    )
    for row in log:
        row.pop("is_champion", None)
    (directory / VERSIONS_FILE).write_text(json.dumps(log, indent=2, default=str) + "\n")
    return {"promoted": promoted, "old": old_scores, "new": new_scores, "reason": verdict}


def archive(source: Path, card: dict, directory: Path) -> Path:
    """Copy a model and its card to <model dir>/versions/<version>/ (kept for rollback)."""
    target = directory / ARCHIVE_DIR / model_version(card)
    target.mkdir(parents=True, exist_ok=True)
    for name in (persist.MODEL_FILE, persist.CARD_FILE):
        shutil.copy2(source / name, target / name)
    return target


def with_first_metrics(frame: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Fill a version never scored on the evaluation set with its test metrics (the initial
    file's test split is part of the evaluation set)."""
    test = metrics[metrics["is_champion"].astype(bool) & (metrics["split"] == "test")]
    if test.empty:
        return frame
    row = test.iloc[0]
    unscored = frame["recall"].isna()
    for m in METRICS:
        frame[m] = frame[m].astype("float64")
        frame.loc[unscored, m] = float(row[m])
    frame["evaluation_rows"] = frame["evaluation_rows"].astype("float64")
    frame.loc[unscored, "evaluation_rows"] = float(row["n"])
    return frame


def table(metrics: pd.DataFrame) -> pd.DataFrame:
    """ml.model_versions' rows: the history, its first champion filled from `metrics`."""
    return with_first_metrics(history(), metrics)

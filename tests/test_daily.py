"""The daily run (`dbt build --selector daily`) on copies of the session's sample warehouse.

One module fixture plays the days once: batch A, then decisions and batch B, a re-run, a
changed batch; and A and B together on a second copy. The tests read what it recorded.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE_DATASET, run_dbt

from tiktok_claims import synthetic
from tiktok_claims.ml import persist

DAILY = ["build", "--selector", "daily"]
# the tables a batch's loading, scoring and review produce (queue_snapshots records runs)
TABLES = {
    "marts.intake_batches": ["batch_id"],
    "marts.intake_rejections": ["batch_id", "rejection_reason"],
    "staging.stg_inbox__videos": ["batch_id", "video_id"],
    "staging.stg_inbox__videos_rejected": ["batch_id", "source_row_number"],
    "intermediate.report_scores": ["batch_id", "video_id"],
    "marts.moderation_queue": ["queue_rank"],
    "marts.moderator_decisions": ["video_id", "decided_at"],
    "marts.moderator_decisions_rejected": ["source_row_number"],
    "ml.drift_bins": ["batch_id", "feature", "bin_number"],
    "ml.drift_report": ["batch_id", "feature"],
    # kept up to date by rows on daily runs (incremental): equal to a recount from nothing
    "intermediate.int_videos": ["video_id"],
    "intermediate.int_decisions_checked": ["source_row_number"],
    "intermediate.int_open_videos": ["video_id"],
}
ROWS = 150


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_warehouse(build, workdir: Path) -> Path:
    """A private copy of a built warehouse and its saved model."""
    workdir.mkdir(parents=True)
    shutil.copy2(build.warehouse, workdir / "warehouse.duckdb")
    shutil.copytree(build.warehouse.parent / "models", workdir / "models")
    return workdir


def _copy_day(workdir: Path, target: Path) -> Path:
    """A private copy of a daily run's folder: its warehouse, model, inbox and decisions."""
    _copy_warehouse(SimpleNamespace(warehouse=workdir / "warehouse.duckdb"), target)
    shutil.copytree(workdir / "inbox", target / "inbox")
    shutil.copy2(workdir / "decisions.csv", target / "decisions.csv")
    return target


def _tables(build) -> dict[str, pd.DataFrame]:
    out = {}
    for table, keys in TABLES.items():
        frame = build.df(f"select * from {table}").drop(columns=["loaded_at"], errors="ignore")
        out[table] = frame.sort_values(keys).reset_index(drop=True)
    return out


def _executed(build) -> set[str]:
    results = json.loads((build.warehouse.parent / "target" / "run_results.json").read_text())
    return {r["unique_id"].split(".")[-1] for r in results["results"]}


@pytest.fixture(scope="module")
def days(sample_build, tmp_path_factory):
    root = tmp_path_factory.mktemp("daily")
    rec: dict = {}

    # before any build: the day refuses in a sentence
    empty = root / "empty"
    synthetic.write_batch(empty / "inbox", 1, rows=20)
    rec["before_run"] = run_dbt(DAILY, SAMPLE_DATASET, empty, check=False)

    # one day after another: A; then decisions and B; then the same inbox again
    one = _copy_warehouse(sample_build, root / "one")
    model_file = one / "models" / persist.MODEL_FILE
    rec["model_sha_before"] = _sha(model_file)
    a = synthetic.write_batch(one / "inbox", 1, rows=ROWS)
    rec["a"] = run_dbt(DAILY, SAMPLE_DATASET, one)
    queue_a = rec["a"].df("select * from marts.moderation_queue order by queue_rank")
    rec["queue_a"] = queue_a
    from_a = queue_a[(queue_a["batch_id"] != "initial") & ~queue_a["needs_manual_review"]]
    decided = from_a["video_id"].head(6).tolist()
    lines = ["video_id,decision,decided_at"]
    lines += [f"{v},opinion,2030-01-01 09:00:00" for v in decided]
    lines += [f"{decided[0]},claim,2030-01-02 09:00:00"]  # the later decision wins
    lines += ["1,claim,2030-01-02 10:00:00", f"{decided[1]},maybe,2030-01-02 10:00:00"]
    (one / "decisions.csv").write_text("\n".join(lines) + "\n")
    rec["decided"] = decided
    b = synthetic.write_batch(one / "inbox", 2, rows=ROWS)
    rec["files"] = {p.name: p.read_bytes() for p in (a, b)}
    rec["b"] = run_dbt(DAILY, SAMPLE_DATASET, one)
    rec["one"] = _tables(rec["b"])
    rec["snapshots_b"] = rec["b"].df("select count(*) as n from marts.queue_snapshots")["n"][0]
    rec["again"] = run_dbt(DAILY, SAMPLE_DATASET, one)
    rec["one_again"] = _tables(rec["again"])
    rec["snapshots_again"] = rec["again"].df("select count(*) as n from marts.queue_snapshots")[
        "n"
    ][0]
    rec["model_sha_after"] = _sha(model_file)

    # two more days: decisions appended (a newer one for a decided video, one about a video
    # that arrives only the next day), then the next day's batch with that video
    late = synthetic.write_batch(root / "later", 4, rows=20)
    with late.open(newline="") as fh:
        rec["late_video"] = int(next(csv.DictReader(fh))["video_id"])
    with (one / "decisions.csv").open("a") as fh:
        fh.write(f"{decided[0]},opinion,2030-01-03 09:00:00\n")
        fh.write(f"{rec['late_video']},claim,2030-01-03 10:00:00\n")
    rec["c"] = _tables(run_dbt(DAILY, SAMPLE_DATASET, one))
    shutil.copy2(late, one / "inbox" / late.name)
    rec["d"] = _tables(run_dbt(DAILY, SAMPLE_DATASET, one))
    # the same inbox and decisions, every table recomputed from nothing
    full = _copy_day(one, root / "full")
    rec["d_full"] = _tables(run_dbt([*DAILY, "--full-refresh"], SAMPLE_DATASET, full))
    rec["full_dir"] = full
    # a decision loaded before, edited in place: the day is refused
    edited = _copy_day(one, root / "edited")
    text = (edited / "decisions.csv").read_text()
    (edited / "decisions.csv").write_text(text.replace(",opinion,", ",claim,", 1))
    rec["edited"] = run_dbt(DAILY, SAMPLE_DATASET, edited, check=False)
    rec["edited_after"] = _tables(rec["edited"])
    rec["edited_path"] = edited / "decisions.csv"

    # a batch changed under its loaded name, with a new batch beside it: nothing loads
    with a.open("a") as fh:
        fh.write(f"{ROWS + 99},,4242424242,9,an edited line,verified,active,1,1,1,1,1\n")
    synthetic.write_batch(one / "inbox", 3, rows=20)
    rec["changed_path"] = a
    rec["changed"] = run_dbt(DAILY, SAMPLE_DATASET, one, check=False)
    rec["one_after_changed"] = _tables(rec["changed"])

    # both batches in one day, on another copy
    two = _copy_warehouse(sample_build, root / "two")
    (two / "inbox").mkdir()
    for name, content in rec["files"].items():
        (two / "inbox" / name).write_bytes(content)
    (two / "decisions.csv").write_text("\n".join(lines) + "\n")  # as on day B
    rec["together"] = _tables(run_dbt(DAILY, SAMPLE_DATASET, two))
    rec["one_dir"] = one
    return rec


def test_daily_before_any_build_says_so(days):
    result = days["before_run"]
    assert result.result.returncode != 0
    assert "has not been built yet: run `make run`" in result.result.stdout
    assert "Traceback" not in result.result.stdout


def test_batches_reconcile_with_the_files(days):
    batches = days["one"]["marts.intake_batches"]
    assert list(batches["file_name"]) == list(days["files"])
    for row in batches.itertuples():
        records = list(csv.reader(days["files"][row.file_name].decode().splitlines()))
        assert row.source_rows == len(records) - 1  # the header
        assert row.staged_rows + row.rejected_rows == row.source_rows
        assert row.rejected_rows == len(synthetic.HOSTILE_ROWS) - 1  # the label row is staged
        assert row.labeled_rows == 1
    reasons = set(days["one"]["marts.intake_rejections"]["rejection_reason"])
    assert {
        "negative video_view_count",
        "missing video_id",
        "non-numeric video_view_count",
        "unknown verified_status",
        "duplicate video_id",
        "12 fields expected, 3 found",
    } <= reasons


def test_a_then_b_equals_a_and_b_together(days):
    for table, frame in days["together"].items():
        pd.testing.assert_frame_equal(days["one"][table], frame, obj=table)


def test_rerun_is_a_noop(days):
    for table, frame in days["one_again"].items():
        pd.testing.assert_frame_equal(days["one"][table], frame, obj=table)
    assert days["snapshots_again"] == days["snapshots_b"]
    assert _executed(days["again"]).isdisjoint({"base_tiktok__videos", "claim_classifier_fit"})


def test_changed_batch_refuses_the_day(days):
    out = days["changed"].result
    assert out.returncode != 0
    assert f"{days['changed_path']} was loaded before" in out.stdout
    assert "nothing was loaded today" in out.stdout
    for table, frame in days["one_after_changed"].items():
        pd.testing.assert_frame_equal(days["d"][table], frame, obj=table)


def test_scoring_never_retrains(days):
    assert days["model_sha_before"] == days["model_sha_after"]
    executed = _executed(days["b"])
    assert "inbox_scores_fit" in executed
    assert executed.isdisjoint({"base_tiktok__videos", "claim_classifier_fit", "fct_videos"})
    scores = days["one"]["intermediate.report_scores"]
    assert scores["model_version"].str.endswith(days["model_sha_before"][:12]).all()


def test_decisions_close_items_and_bad_rows_are_quarantined(days):
    queue = days["one"]["marts.moderation_queue"]
    assert set(days["decided"]).isdisjoint(queue["video_id"])
    decisions = days["one"]["marts.moderator_decisions"]
    current = decisions[decisions["is_current"]].set_index("video_id")["decision"]
    assert len(current) == len(days["decided"])
    assert current[days["decided"][0]] == "claim"  # the latest decided_at wins
    assert current[days["decided"][2]] == "opinion"
    rejected = days["one"]["marts.moderator_decisions_rejected"]
    assert sorted(rejected["rejection_reason"]) == [
        "unknown decision (expected claim or opinion)",
        "unknown video_id",
    ]


def test_later_decisions_change_what_they_should(days):
    decided, late = days["decided"], days["late_video"]
    for day in ("c", "d"):
        decisions = days[day]["marts.moderator_decisions"]
        current = decisions[decisions["is_current"]].set_index("video_id")["decision"]
        assert current[decided[0]] == "opinion"  # the newer decision, appended a day later
        assert decided[0] not in set(days[day]["marts.moderation_queue"]["video_id"])
    checked = days["c"]["intermediate.int_decisions_checked"]
    assert checked.loc[checked["raw_video_id"] == str(late), "rejection_reason"].tolist() == [
        "unknown video_id"
    ]
    # the video arrived: its decision, read the day before, is accepted and closes it
    decisions = days["d"]["marts.moderator_decisions"]
    assert decisions.loc[decisions["video_id"] == late, "is_current"].tolist() == [True]
    assert late not in set(days["d"]["marts.moderation_queue"]["video_id"])
    assert late in set(days["d"]["staging.stg_inbox__videos"]["video_id"])


def test_days_one_by_one_equal_a_recount_from_nothing(days):
    for table, frame in days["d_full"].items():
        pd.testing.assert_frame_equal(days["d"][table], frame, obj=table)


def test_an_edited_decisions_file_refuses_the_day(days):
    out = days["edited"].result
    assert out.returncode != 0
    assert f"{days['edited_path']} no longer begins with the" in out.stdout
    assert "the file is append-only, so nothing was loaded" in out.stdout
    assert "Traceback" not in out.stdout
    for table, frame in days["edited_after"].items():
        pd.testing.assert_frame_equal(days["d"][table], frame, obj=table)


def test_no_labeled_video_in_the_queue(days, sample_build):
    queue = days["one"]["marts.moderation_queue"]
    labeled = set(
        sample_build.df("select video_id from marts.fct_videos where is_labeled")["video_id"]
    )
    staged = days["one"]["staging.stg_inbox__videos"]
    labeled |= set(staged.loc[staged["claim_status"].notna(), "video_id"])
    assert labeled and labeled.isdisjoint(queue["video_id"])
    assert queue["review_today"].sum() == min(len(queue), 1000)
    assert (queue["review_today"] == (queue["queue_rank"] <= 1000)).all()


def test_a_video_reported_again_is_one_item(days):
    queue = days["one"]["marts.moderation_queue"]
    staged = days["one"]["staging.stg_inbox__videos"]
    counts = staged.groupby("video_id").size()
    again = set(counts[counts > 1].index) - set(days["decided"])
    assert again  # synthetic day 2 reports 5 videos of day 1 again
    items = queue[queue["video_id"].isin(again)]
    assert len(items) == len(again)
    assert (items["report_count"] == 2).all()
    assert items["batch_id"].str.startswith(synthetic.batch_name(2)).all()


def test_psi_equals_a_hand_computation(days, sample_build):
    """video_duration_sec of batch 1 against the training rows: deciles by numpy's linear
    percentile (percentile_cont), shares floored at 0.0001, sum of (a - e) ln(a / e)."""
    training = sample_build.df(
        "select v.video_duration_sec from marts.fct_videos v join ml.claim_predictions p "
        "using (video_id) where p.split = 'train'"
    )["video_duration_sec"].to_numpy(float)
    staged = days["one"]["staging.stg_inbox__videos"]
    first = days["one"]["marts.intake_batches"]["batch_id"][0]
    batch = staged.loc[staged["batch_id"] == first, "video_duration_sec"].to_numpy(float)
    edges = np.unique(np.percentile(training, np.arange(10, 100, 10)))
    bins = np.concatenate([[-np.inf], edges, [np.inf]])
    expected = np.histogram(training, bins)[0] / len(training)
    actual = np.histogram(batch, bins)[0] / len(batch)
    e, a = np.maximum(expected, 1e-4), np.maximum(actual, 1e-4)
    psi = float(np.sum((a - e) * np.log(a / e)))
    report = days["one"]["ml.drift_report"]
    row = report[(report["batch_id"] == first) & (report["feature"] == "video_duration_sec")]
    assert row["psi"].iloc[0] == pytest.approx(psi, abs=2e-6)
    assert row["status"].iloc[0] == ("ok" if psi < 0.1 else "warn" if psi < 0.25 else "alert")


def test_promotion_refused_when_the_new_model_is_worse(days, tmp_path, monkeypatch):
    from sklearn.dummy import DummyClassifier

    from tiktok_claims.ml import train, versions

    work = tmp_path / "retrain"
    shutil.copytree(days["one_dir"], work, ignore=shutil.ignore_patterns("target", "logs"))
    monkeypatch.setenv("CLAIMS_WAREHOUSE", str(work / "warehouse.duckdb"))
    champion = work / "models" / persist.MODEL_FILE
    before = _sha(champion)

    def worse(data, seed, n_jobs=2):
        model = DummyClassifier(strategy="constant", constant=0).fit(data.X, data.y)
        card = {
            "model_name": "constant",
            "feature_set": "report_time",
            "threshold": 0.5,
            "seed": seed,
            "training_rows": len(data.y),
            "training_data_sha256": train.data_hash(data.features),
        }
        return model, card, {}

    monkeypatch.setattr(train, "train", worse)
    result = versions.retrain()
    assert not result["promoted"]
    assert result["new"]["recall"] == 0.0 < result["old"]["recall"]
    assert _sha(champion) == before  # the champion stays, byte for byte
    log = versions.history(work / "models")
    assert list(log["promoted"]) == [True, False]
    assert list(log["is_champion"]) == [True, False]
    assert (log["evaluation_rows"] == result["old"]["n"]).all()
    kept = work / "models" / versions.ARCHIVE_DIR
    assert {p.name for p in kept.iterdir()} == set(log["version"])


def test_make_retrain_is_a_build_of_the_model_versions(days, tmp_path):
    work = _copy_day(days["full_dir"], tmp_path / "retrain")
    before = _sha(work / "models" / persist.MODEL_FILE)
    result = run_dbt(
        ["build", "--selector", "retrain", "--vars", "{retrain: true}"], SAMPLE_DATASET, work
    )
    assert {"model_versions_fit", "model_versions"} <= _executed(result)
    assert _executed(result).isdisjoint({"base_inbox__videos", "inbox_scores_fit"})
    log = result.df("select * from ml.model_versions order by trained_at")
    assert len(log) == 2 and log["reason"].iloc[0] == "champion before retrain"
    # the champion released with the warehouse is the one the log says
    champion = log.loc[log["is_champion"], "sha256"].item()
    assert _sha(result.warehouse.parent / "models" / persist.MODEL_FILE) == champion
    assert champion != before or not log["promoted"].iloc[1]


@pytest.mark.parametrize(
    ("new", "old", "promote"),
    [
        ({"recall": 0.9, "f1": 0.5}, {"recall": 0.8, "f1": 0.9}, True),  # recall first
        ({"recall": 0.8, "f1": 0.9}, {"recall": 0.8, "f1": 0.9}, True),  # equal: not worse
        ({"recall": 0.8, "f1": 0.8}, {"recall": 0.8, "f1": 0.9}, False),  # then F1
        ({"recall": 0.7, "f1": 1.0}, {"recall": 0.8, "f1": 0.1}, False),
    ],
)
def test_not_worse_is_recall_then_f1(new, old, promote):
    from tiktok_claims.ml import versions

    assert versions.not_worse(new, old) is promote


def test_inbox_lists_finished_files_only(tmp_path):
    from tiktok_claims import inbox

    for name in ("b.csv", "a.parquet", ".hidden.csv", "c.csv.partial", "d.csv.tmp", "e.CSV.TMP"):
        (tmp_path / name).write_bytes(name.encode())
    (tmp_path / "folder").mkdir()
    listed = inbox.list_batches(tmp_path)
    assert [b["file_name"] for b in listed] == ["a.parquet", "b.csv"]
    digest = hashlib.sha256(b"b.csv").hexdigest()
    assert listed[1]["file_sha256"] == digest
    assert listed[1]["batch_id"] == f"b.csv@{digest[:12]}"
    assert inbox.list_batches(tmp_path / "missing") == []


def test_inbox_hashes_a_file_again_only_when_its_stat_changed(tmp_path, monkeypatch):
    import os

    from tiktok_claims import inbox

    path = tmp_path / "b.csv"
    path.write_bytes(b"first")
    old = 1_600_000_000_000_000_000  # long before the cache is written: not racy
    os.utime(path, ns=(old, old))
    monkeypatch.setattr(inbox, "_HASHED", {})
    assert inbox.list_batches(tmp_path)[0]["file_sha256"] == hashlib.sha256(b"first").hexdigest()
    assert (tmp_path / inbox.CACHE_FILE).is_file()  # hidden: never listed as a batch

    # a new process (empty memory): same size and time, so the cached hash is trusted
    monkeypatch.setattr(inbox, "_HASHED", {})
    path.write_bytes(b"other")
    os.utime(path, ns=(old, old))
    assert inbox.list_batches(tmp_path)[0]["file_sha256"] == hashlib.sha256(b"first").hexdigest()

    # a changed modification time (an edit) is read again
    monkeypatch.setattr(inbox, "_HASHED", {})
    os.utime(path, ns=(old + 1, old + 1))
    assert inbox.list_batches(tmp_path)[0]["file_sha256"] == hashlib.sha256(b"other").hexdigest()

    # a file written just before the cache was: its hash is not trusted the next time
    monkeypatch.setattr(inbox, "_HASHED", {})
    path.write_bytes(b"fresh")
    inbox.list_batches(tmp_path)
    monkeypatch.setattr(inbox, "_HASHED", {})
    stat = path.stat()
    path.write_bytes(b"fres!")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert inbox.list_batches(tmp_path)[0]["file_sha256"] == hashlib.sha256(b"fres!").hexdigest()

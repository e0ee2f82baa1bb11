"""The synthetic generator: reproducible, shaped like the real file, close to its structure."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SAMPLE_DATASET, require_real_dataset

from tiktok_claims import synthetic
from tiktok_claims.cli import main


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, na_values=["#N/A", ""], keep_default_na=False)


def test_committed_sample_is_the_generators_output(tmp_path):
    out = tmp_path / "sample.csv"
    assert main(["synth", "--out", str(out)]) == 0
    assert out.read_bytes() == SAMPLE_DATASET.read_bytes()


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    a, b, c = (tmp_path / f"{name}.csv" for name in "abc")
    synthetic.write(a, rows=500, seed=7)
    synthetic.write(b, rows=500, seed=7)
    synthetic.write(c, rows=500, seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_csv_looks_like_the_real_file(tmp_path):
    path = synthetic.write(tmp_path / "s.csv", rows=3_000, seed=3)
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(synthetic.HEADER)
    unlabeled = [line for line in lines[1:] if line.split(",")[1] == ""]
    assert unlabeled, "expected some unlabeled rows"
    for line in unlabeled:
        cells = line.split(",")
        assert cells[4] == ""  # no transcription
        assert cells[7:] == ["#N/A"] * 5
    df = _read(path)
    assert df["#"].tolist() == list(range(1, 3_001))
    assert df["video_id"].is_unique
    assert df["video_id"].between(10**9, 10**10 - 1).all()
    assert df["video_duration_sec"].between(5, 60).all()
    labeled = df[df["claim_status"].notna()]
    counts = labeled[list(synthetic.COUNT_COLUMNS)]
    assert (counts.ge(0)).all().all()
    # likes, shares, downloads, comments never exceed views
    assert counts.iloc[:, 1:].le(counts["video_view_count"], axis=0).all().all()


def test_parquet_has_the_same_rows(tmp_path):
    csv = _read(synthetic.write(tmp_path / "s.csv", rows=800, seed=5))
    parquet = pd.read_parquet(synthetic.write(tmp_path / "s.parquet", rows=800, seed=5))
    assert list(parquet.columns) == list(synthetic.HEADER)
    pd.testing.assert_frame_equal(
        csv.astype(str).replace({"nan": None, "<NA>": None}),
        parquet.astype(str).replace({"nan": None, "<NA>": None, "None": None}),
        check_dtype=False,
    )


def test_rows_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        synthetic.generate(rows=0)


def _structure(df: pd.DataFrame) -> dict[str, float]:
    labeled = df[df["claim_status"].notna()]
    views = labeled.groupby("claim_status")["video_view_count"].median()
    ban = df["author_ban_status"].value_counts(normalize=True)
    verified = labeled[labeled["verified_status"] == "verified"]
    return {
        "claim_share_of_labeled": (labeled["claim_status"] == "claim").mean(),
        "unlabeled_share": df["claim_status"].isna().mean(),
        "verified_share": (df["verified_status"] == "verified").mean(),
        "opinion_share_of_verified": (verified["claim_status"] == "opinion").mean(),
        **{f"ban_share_{status}": ban.get(status, 0.0) for status in synthetic.BAN_STATUSES},
        "median_views_claim": views["claim"],
        "median_views_opinion": views["opinion"],
    }


# Absolute tolerance for shares; relative tolerance for medians.
SHARE_TOLERANCE = {
    "claim_share_of_labeled": 0.02,
    "unlabeled_share": 0.005,
    "verified_share": 0.01,
    "opinion_share_of_verified": 0.05,
    "ban_share_active": 0.02,
    "ban_share_under review": 0.02,
    "ban_share_banned": 0.02,
}
MEDIAN_TOLERANCE = 0.05


@pytest.mark.real_data
def test_sample_structure_matches_real_data():
    real = _structure(_read(require_real_dataset()))
    synth = _structure(_read(SAMPLE_DATASET))
    for key, tolerance in SHARE_TOLERANCE.items():
        assert synth[key] == pytest.approx(real[key], abs=tolerance), key
    for key in ("median_views_claim", "median_views_opinion"):
        assert synth[key] == pytest.approx(real[key], rel=MEDIAN_TOLERANCE), key

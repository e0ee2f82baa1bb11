"""The real file stages completely, and data_profile agrees with pandas on the same file."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.real_data

NUMERIC = [
    "#",
    "video_id",
    "video_duration_sec",
    "video_view_count",
    "video_like_count",
    "video_share_count",
    "video_download_count",
    "video_comment_count",
]


@pytest.fixture(scope="module")
def raw(real_dataset) -> pd.DataFrame:
    return pd.read_csv(real_dataset, na_values=["#N/A", ""], keep_default_na=False)


def test_every_real_row_is_staged(real_build, raw):
    audit = real_build.df("select * from marts.ingestion_audit")
    assert audit["row_kind"].tolist() == ["total"]
    total = audit.iloc[0]
    assert len(raw) == 19_382
    assert (total["source_rows"], total["staged_rows"], total["rejected_rows"]) == (
        len(raw),
        len(raw),
        0,
    )
    staged = real_build.df("select is_labeled, video_id from staging.stg_tiktok__videos")
    assert int((~staged["is_labeled"]).sum()) == int(raw["claim_status"].isna().sum()) == 298
    assert sorted(staged["video_id"]) == sorted(raw["video_id"])


def test_data_profile_matches_pandas(real_build, raw):
    profile = real_build.df("select * from marts.data_profile order by column_position")
    assert profile["column_name"].tolist() == list(raw.columns)
    for _, got in profile.iterrows():
        column = raw[got["column_name"]]
        assert got["row_count"] == len(column)
        assert got["non_null_count"] == column.notna().sum(), got["column_name"]
        assert got["null_count"] == column.isna().sum(), got["column_name"]
        assert got["distinct_count"] == column.nunique(), got["column_name"]
        assert got["is_numeric"] == (got["column_name"] in NUMERIC)
        if got["is_numeric"]:
            expected = {
                "min_value": column.min(),
                "max_value": column.max(),
                "mean_value": column.mean(),
                "stddev_value": column.std(),
                "q1_value": column.quantile(0.25),
                "median_value": column.quantile(0.5),
                "q3_value": column.quantile(0.75),
            }
            for key, value in expected.items():
                assert got[key] == pytest.approx(value, rel=1e-9), (got["column_name"], key)
        else:
            assert got[["min_value", "max_value", "mean_value", "q1_value"]].isna().all()
    relevant = profile.set_index("column_name")["relevant_to_modelling"]
    assert not relevant["#"] and not relevant["video_id"]
    assert relevant["claim_status"] and relevant["video_view_count"]


def test_data_profile_types_are_the_staged_types(real_build):
    with real_build.connect() as con:
        staged = dict(
            con.sql(
                "select column_name, lower(data_type) from information_schema.columns "
                "where table_schema = 'staging' and table_name = 'stg_tiktok__videos'"
            ).fetchall()
        )
        profile = con.sql("select staged_column, data_type from marts.data_profile").fetchall()
    for column, data_type in profile:
        assert staged[column] == data_type, column

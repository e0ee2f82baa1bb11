"""Every form in which the real dataset circulates loads: built from ../shared at test time.

Each form is staged with tiktok_claims.ingest.stage_file (the staging models' own SQL); the
spreadsheet-damaged copy also goes through `dbt build`. Each checks that staged + rejected =
the file's data records, counted by Python's csv module, and that every intact row is staged
with the canonical values (the real file read by pandas).
"""

from __future__ import annotations

import csv
import random

import pandas as pd
import pytest
from conftest import run_dbt

from tiktok_claims import ingest

pytestmark = pytest.mark.real_data

COUNTS = ["video_duration_sec", *ingest.REQUIRED_COLUMNS[6:]]
TEXT = ["claim_status", "video_transcription_text", "verified_status", "author_ban_status"]
VALUES = ["video_id", *TEXT, *COUNTS]


@pytest.fixture(scope="module")
def canonical(real_dataset) -> pd.DataFrame:
    """The real file as pandas reads it; '#N/A' and empty cells missing."""
    return pd.read_csv(real_dataset, na_values=["#N/A", ""], keep_default_na=False)


def records(path) -> int:
    """Data records of a CSV file, by Python's csv module (blank lines are no record)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return sum(1 for record in csv.reader(fh) if record) - 1


def as_rows(frame: pd.DataFrame) -> set[tuple]:
    """(video_id, text and category values trimmed, counts as ints); None for missing."""
    rows = set()
    for values in frame[VALUES].itertuples(index=False):
        row = [int(values[0])]
        row += [None if pd.isna(v) else str(v).strip(" ").lower() for v in values[1:5]]
        row += [None if pd.isna(v) else int(v) for v in values[5:]]
        rows.add(tuple(row))
    return rows


def stage(path, expected_records: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    result = ingest.stage_file(path)
    staged, rejected = result.staged.df(), result.rejected.df()
    assert len(staged) + len(rejected) == expected_records
    numbers = pd.concat([staged["source_row_number"], rejected["source_row_number"]])
    assert numbers.is_unique
    for column in TEXT:
        staged[column] = staged[column].str.lower()
    return staged, rejected


def test_pandas_resave_with_index_and_float_counts(tmp_path, canonical):
    path = tmp_path / "resaved.csv"
    canonical.to_csv(path)  # unnamed index column, then '#'; counts with NaN become floats
    assert path.read_text()[:20].startswith(",#,claim_status")
    assert "343296.0" in path.read_text()[:2000]
    staged, rejected = stage(path, records(path))
    assert rejected.empty
    assert as_rows(staged) == as_rows(canonical)
    assert sorted(staged["row_id"]) == sorted(canonical["#"])


def test_row_number_column_renamed_id(tmp_path, canonical):
    path = tmp_path / "renamed.csv"
    canonical.rename(columns={"#": "id"}).to_csv(path, index=False)
    staged, rejected = stage(path, records(path))
    assert rejected.empty
    assert as_rows(staged) == as_rows(canonical)
    assert sorted(staged["row_id"]) == sorted(canonical["#"])


def test_nulls_dropped(tmp_path, canonical):
    path = tmp_path / "dropna.csv"
    complete = canonical.dropna()
    complete.to_csv(path, index=False)
    assert 0 < len(complete) < len(canonical)
    staged, rejected = stage(path, records(path))
    assert rejected.empty
    assert as_rows(staged) == as_rows(complete)


def test_shuffled_columns(tmp_path, canonical):
    path = tmp_path / "shuffled.csv"
    columns = list(canonical.columns)
    random.Random(7).shuffle(columns)
    canonical[columns].to_csv(path, index=False)
    staged, rejected = stage(path, records(path))
    assert rejected.empty
    assert as_rows(staged) == as_rows(canonical)


def test_parquet(tmp_path, canonical):
    path = tmp_path / "videos.parquet"
    canonical.to_parquet(path)
    staged, rejected = stage(path, len(canonical))
    assert rejected.empty
    assert as_rows(staged) == as_rows(canonical)


def spreadsheet_copy(real_dataset, path) -> set[int]:
    """BOM, CRLF, and every 10th single-line record wrapped whole in quotes; the wrapped ids."""
    with open(real_dataset, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    wrapped = set()
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        out.write(",".join(rows[0]) + "\r\n")
        for number, row in enumerate(rows[1:], 1):
            plain = ",".join(row)
            if number % 10 == 0 and not any(c in plain for c in '"\n\r') and len(row) == 12:
                out.write('"' + plain + '"\r\n')
                wrapped.add(int(row[2]))
            else:
                csv.writer(out, lineterminator="\r\n").writerow(row)
    return wrapped


def test_spreadsheet_damage_quarantines_wrapped_lines_and_stages_the_rest(
    tmp_path, canonical, real_dataset
):
    path = tmp_path / "spreadsheet.csv"
    wrapped = spreadsheet_copy(real_dataset, path)
    assert len(wrapped) > 1000
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    expected = records(path)
    staged, rejected = stage(path, expected)
    assert len(rejected) == len(wrapped)
    assert set(rejected["rejection_reason"]) == {
        "12 fields expected, 1 found (the whole line is wrapped in quotes)"
    }
    # the raw text keeps the line, and its line number points at it in the file
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    for line, raw in rejected[["source_line", "raw_record"]].itertuples(index=False):
        assert lines[line - 1] == raw
    intact = canonical[~canonical["video_id"].isin(wrapped)]
    assert as_rows(staged) == as_rows(intact)

    # the same file through dbt: the audit reconciles and agrees with the csv module
    build = run_dbt(
        ["build", "--select", "+marts.core", "--indirect-selection=cautious"],
        path,
        tmp_path / "work",
    )
    total = build.df("select * from marts.ingestion_audit where row_kind = 'total'").iloc[0]
    assert (total["source_rows"], total["staged_rows"], total["rejected_rows"]) == (
        expected,
        len(intact),
        len(wrapped),
    )

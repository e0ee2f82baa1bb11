"""Every ingestion rule, on small hand-written files.

The reader (tiktok_claims.ingest) is tested directly; a few `dbt build`s of the staging and
core models prove that rows end up staged or rejected with the right reason, that the audit
reconciles, and that a bad file fails the build with a sentence, not a stack trace.
"""

from __future__ import annotations

import logging

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_dbt

from tiktok_claims import ingest

COLUMNS = list(ingest.REQUIRED_COLUMNS)
HEADER = ",".join(COLUMNS)
SELECT = ["--select", "staging", "marts.core", "--indirect-selection=cautious"]


def row(video_id="1", claim_status="claim", text="a text", counts="10,5,2,1,0", **changes):
    """One CSV line in REQUIRED_COLUMNS order; override any cell by column name."""
    cells = {
        "claim_status": claim_status,
        "video_id": video_id,
        "video_duration_sec": "30",
        "video_transcription_text": text,
        "verified_status": "not verified",
        "author_ban_status": "active",
    }
    cells.update(zip(COLUMNS[6:], counts.split(","), strict=True))
    cells.update(changes)
    return ",".join(cells[c] for c in COLUMNS)


def write(tmp_path, text: str, name="raw.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# ---------------------------------------------------------------- reader: headers


@pytest.mark.parametrize("row_header", ["#", "id", "ID", " # ", "", "Unnamed: 0"])
def test_row_number_column_variants(tmp_path, row_header):
    path = write(tmp_path, f"{row_header},{HEADER}\n7,{row('1')}\n9,{row('2')}\n")
    table = ingest.read_raw(path)
    assert table.column_names == list(ingest.OUTPUT_COLUMNS)
    assert table["row_id"].to_pylist() == ["7", "9"]
    assert table["source_row_number"].to_pylist() == [1, 2]


def test_no_row_number_column_numbers_rows_in_file_order(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{row('30')}\n{row('10')}\n{row('20')}\n")
    table = ingest.read_raw(path)
    assert table["row_id"].to_pylist() == [None, None, None]
    assert table["source_row_number"].to_pylist() == [1, 2, 3]
    assert table["video_id"].to_pylist() == ["30", "10", "20"]


def test_columns_are_matched_by_name_not_position(tmp_path):
    shuffled = list(reversed(COLUMNS))
    values = dict(zip(COLUMNS, row("42").split(","), strict=True))
    header = ",".join(c.upper() for c in shuffled)
    path = write(tmp_path, f"{header}\n{','.join(values[c] for c in shuffled)}\n")
    table = ingest.read_raw(path)
    assert table["video_id"].to_pylist() == ["42"]
    assert table["video_view_count"].to_pylist() == ["10"]
    assert table["video_comment_count"].to_pylist() == ["0"]


def test_extra_columns_are_ignored_with_a_warning(tmp_path, caplog):
    path = write(tmp_path, f"#,{HEADER},notes,score\n1,{row()},hello,3\n")
    with caplog.at_level(logging.WARNING, logger=ingest.log.name):
        table = ingest.read_raw(path)
    assert table.column_names == list(ingest.OUTPUT_COLUMNS)
    assert "ignoring extra column(s): notes, score" in caplog.text
    assert str(path) in caplog.text


def test_a_missing_required_column_is_named(tmp_path):
    header = HEADER.replace(",video_share_count", "")
    line = ",".join(row().split(",")[:8] + row().split(",")[9:])
    path = write(tmp_path, f"{header}\n{line}\n")
    with pytest.raises(ingest.IngestError, match="missing required column.*video_share_count"):
        ingest.read_raw(path)


def test_a_column_named_twice_is_an_error(tmp_path):
    path = write(tmp_path, f"{HEADER},video_id\n{row()},2\n")
    with pytest.raises(ingest.IngestError, match="more than once: video_id"):
        ingest.read_raw(path)


# ---------------------------------------------------------------- reader: bad files


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or Parquet file"),
        (b'{"claim_status": "claim"}\n', "not a claims CSV or Parquet file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "not a CSV or Parquet file"),
    ],
    ids=["empty", "png", "json", "zip"],
)
def test_non_csv_files_are_named_in_the_error(tmp_path, content, message):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(ingest.IngestError, match=message) as error:
        ingest.read_raw(path)
    assert str(path) in str(error.value)


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(ingest.IngestError, match="file not found") as error:
        ingest.read_raw(path)
    assert str(path) in str(error.value)


def test_a_ragged_row_is_reported_by_line(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{row('1')}\n{row('2')},surplus\n")
    with pytest.raises(ingest.IngestError, match="Line: 3.*Expected Number of Columns") as error:
        ingest.read_raw(path)
    assert str(path) in str(error.value)
    assert "Possible fixes" not in str(error.value)


# ---------------------------------------------------------------- reader: values


def test_bom_and_crlf(tmp_path):
    path = write(tmp_path, f"\ufeff#,{HEADER}\r\n1,{row('5')}\r\n2,{row('6')}\r\n")
    table = ingest.read_raw(path)
    assert table["row_id"].to_pylist() == ["1", "2"]
    assert table["video_id"].to_pylist() == ["5", "6"]
    assert table["video_comment_count"].to_pylist() == ["0", "0"]


def test_quoted_text_with_commas_quotes_and_newlines(tmp_path):
    text = 'she said "no, never",\nthen left\r\nfor good'
    quoted = '"' + text.replace('"', '""') + '"'
    path = write(tmp_path, f"{HEADER}\n{row('1', text=quoted)}\n{row('2')}\n")
    table = ingest.read_raw(path)
    assert table["video_transcription_text"].to_pylist() == [text, "a text"]
    assert table["source_row_number"].to_pylist() == [1, 2]


def test_values_stay_text_for_staging_to_judge(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{row(counts='343296.0,#N/A,,-1,abc')}\n")
    table = ingest.read_raw(path)
    assert [table[c][0].as_py() for c in COLUMNS[6:]] == ["343296.0", "#N/A", None, "-1", "abc"]


def test_parquet_input_is_matched_by_name_and_read_as_text(tmp_path):
    path = tmp_path / "raw.parquet"
    data = {c: ["x"] for c in COLUMNS}
    data.update({"video_id": [123], "video_view_count": [None], "extra": [1.5]})
    data = {"id": [4], **{c: data[c] for c in reversed(list(data))}}
    pq.write_table(pa.table(data), path)
    table = ingest.read_raw(path)
    assert table["row_id"].to_pylist() == ["4"]
    assert table["video_id"].to_pylist() == ["123"]
    assert table["video_view_count"].to_pylist() == [None]
    assert table.schema.field("video_id").type == pa.string()


# ---------------------------------------------------------------- end to end: dbt build

DIRTY_ROWS = [
    # (the CSV line after the '#' cell, expected rejection reason or None)
    (row("101", claim_status=" Claim ", verified_status="NOT VERIFIED"), None),
    (row("102", claim_status="", text="", counts="#N/A,#N/A,#N/A,#N/A,#N/A"), None),
    (row("103", counts="343296.0,10,,#N/A,1"), None),
    (row("104", text='"multi\nline, with ""quotes"""'), None),
    (row("", claim_status="opinion"), "missing video_id"),
    (row("#N/A"), "missing video_id"),
    (row("v105"), "non-numeric video_id"),
    (row("106", video_duration_sec="long"), "non-numeric video_duration_sec"),
    (row("107", counts="10,-5,2,1,0"), "negative video_like_count"),
    (row("108", counts="10,5,2,1,many"), "non-numeric video_comment_count"),
    (row("109", counts="10,5,2.5,1,0"), "non-integer video_share_count"),
    (row("110", claim_status="rumour"), "unknown claim_status"),
    (row("111", verified_status="blue tick"), "unknown verified_status"),
    (row("112", author_ban_status=""), "unknown author_ban_status"),
    (row("101", claim_status="opinion"), "duplicate video_id"),
    (row("103"), "duplicate video_id"),
]


@pytest.fixture(scope="module")
def dirty_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dirty")
    lines = [f"{i},{line}" for i, (line, _) in enumerate(DIRTY_ROWS, start=1)]
    path = write(tmp, "\ufeff#," + HEADER + ",notes\r\n" + "".join(f"{x},n\r\n" for x in lines))
    return run_dbt(["build", *SELECT], path, tmp / "work")


def test_dirty_file_rows_are_staged_or_rejected_with_the_right_reason(dirty_build):
    rejected = dirty_build.df(
        "select source_row_number, rejection_reason from staging.stg_tiktok__videos_rejected"
    )
    got = dict(zip(rejected["source_row_number"], rejected["rejection_reason"], strict=True))
    expected = {i: reason for i, (_, reason) in enumerate(DIRTY_ROWS, 1) if reason}
    assert got == expected
    staged = dirty_build.df("select * from staging.stg_tiktok__videos order by source_row_number")
    assert staged["source_row_number"].tolist() == [1, 2, 3, 4]


def test_dirty_file_values_are_cleaned_and_typed(dirty_build):
    staged = dirty_build.df(
        "select * from staging.stg_tiktok__videos order by source_row_number"
    ).set_index("video_id")
    assert staged.loc[101, "claim_status"] == "claim"
    assert staged.loc[101, "verified_status"] == "not verified"
    assert not staged.loc[102, "is_labeled"]
    assert staged.loc[102, ["video_transcription_text", "video_view_count"]].isna().all()
    assert staged.loc[103, "video_view_count"] == 343296
    assert staged.loc[103, ["video_share_count", "video_download_count"]].isna().all()
    assert staged.loc[104, "video_transcription_text"] == 'multi\nline, with "quotes"'
    raw = dirty_build.df(
        "select raw_video_id, raw_claim_status from staging.stg_tiktok__videos_rejected "
        "where source_row_number = 12"
    )
    assert raw.iloc[0].tolist() == ["110", "rumour"]


def test_dirty_file_audit_reconciles(dirty_build):
    audit = dirty_build.df("select * from marts.ingestion_audit")
    total = audit[audit["row_kind"] == "total"].iloc[0]
    rejected = sum(reason is not None for _, reason in DIRTY_ROWS)
    assert (total["source_rows"], total["staged_rows"], total["rejected_rows"]) == (
        len(DIRTY_ROWS),
        len(DIRTY_ROWS) - rejected,
        rejected,
    )
    by_reason = audit[audit["row_kind"] == "reason"].set_index("rejection_reason")
    assert by_reason.loc["duplicate video_id", "rejected_rows"] == 2
    assert by_reason.loc["missing video_id", "rejected_rows"] == 2
    assert by_reason["rejected_rows"].sum() == rejected


def test_extra_column_warning_reaches_the_build_log(dirty_build):
    assert "ignoring extra column(s): notes" in dirty_build.result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f"#,{HEADER.replace(',author_ban_status', '')}\n1,x\n", "author_ban_status"),
        ("%PDF-1.7\n\x00\x01binary", "not a CSV or Parquet file"),
    ],
    ids=["missing-column", "not-csv"],
)
def test_a_bad_file_fails_the_build_with_a_sentence(tmp_path, content, expected):
    path = write(tmp_path, content, name="bad.csv")
    build = run_dbt(["build", *SELECT], path, tmp_path / "work", check=False)
    assert build.result.returncode != 0
    assert expected in build.result.stdout
    assert str(path) in build.result.stdout
    assert "Traceback" not in build.result.stdout + build.result.stderr


def test_parquet_file_builds(tmp_path):
    lines = [row("1"), row("2", claim_status=""), row("1")]
    table = pa.table(
        {c: [line.split(",")[i] for line in lines] for i, c in enumerate(COLUMNS)}
    ).set_column(1, "video_id", pa.array([1, 2, 1]))
    path = tmp_path / "raw.parquet"
    pq.write_table(table, path)
    build = run_dbt(["build", *SELECT], path, tmp_path / "work")
    totals = build.df("select * from marts.ingestion_audit where row_kind = 'total'").iloc[0]
    assert (totals["staged_rows"], totals["rejected_rows"]) == (2, 1)
    assert build.df("select count_if(not is_labeled) as n from marts.fct_videos")["n"][0] == 1

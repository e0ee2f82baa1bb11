"""Property tests of ingestion: random CSV files through the staging SQL, in-process.

`stage_file` runs the staging models' own SQL on a DuckDB connection (no dbt build per
example). Files have the required columns under names from the alias set, shuffled and in
random case, cells drawn from valid values and from damage (huge numbers, signs, exponents,
NaN/inf, `#N/A`, Unicode, quotes, embedded newlines), ragged records and truncation.
Invariants: only IngestError ever escapes (one sentence); staged + rejected = the data records
Python's csv module counts; a staged row holds its record's values wherever they are valid; a
record whose values are all valid, with an id no other record has, is staged.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiktok_claims.ingest import REQUIRED_COLUMNS, IngestError, stage_file
from tiktok_claims.reference import seed_rows

COUNTS = (
    "video_duration_sec",
    "video_view_count",
    "video_like_count",
    "video_share_count",
    "video_download_count",
    "video_comment_count",
)
CATEGORIES = ("claim_status", "verified_status", "author_ban_status")
ALIASES = {
    column: [r["alias"] for r in seed_rows("category_values") if r["column_name"] == column]
    for column in CATEGORIES
}
VALUE_OF = {(r["column_name"], r["alias"]): r["value"] for r in seed_rows("category_values")}
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)  # 0-9, not "١٢"
DAMAGE = [
    "",
    "#N/A",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "99999999999999999999999",
    "9223372036854775807",
    "-1",
    "+7",
    "-0",
    "1.5",
    "12.0",
    "1e3",
    "2E+2",
    " 42 ",
    "١٢",
    "12abc",
    'say "hi"',
    "line\nbreak",
    "naïve ünïcödé ✓",
    "a,b",
    "#N/A ",
    "N/A",
]
TEXT = st.text(
    alphabet=st.sampled_from("ab Z9,\"\n'é✓#/A"), max_size=12
)  # quotes, commas, newlines, Unicode


def _missing(cell: str) -> bool:
    return cell.strip(" ") in ("", "#N/A")


def valid_count(cell: str, column: str) -> tuple[bool, int | None]:
    """(valid, value) by a strict reading: ASCII decimal, finite, whole, >= 0, in range."""
    text = cell.strip(" ")
    if text in ("", "#N/A"):
        return True, None
    if not NUMBER.fullmatch(text):
        return False, None
    value = float(text)
    limit = 2147483647 if column == "video_duration_sec" else 9.2e18
    if not math.isfinite(value) or value < 0 or value != math.floor(value) or value > limit:
        return False, None
    return True, int(value)


def valid_id(cell: str) -> tuple[bool, int | None]:
    text = cell.strip(" ")
    if not NUMBER.fullmatch(text):
        return False, None
    value = float(text)
    if not math.isfinite(value) or value != math.floor(value) or abs(value) > 9.2e18:
        return False, None
    return True, int(value)


def valid_category(cell: str, column: str) -> tuple[bool, str | None]:
    key = cell.strip(" ").lower()
    if key in ("", "#n/a"):
        return column == "claim_status", None
    value = VALUE_OF.get((column, key))
    return value is not None, value


def cell_strategy(column: str):
    damage = st.sampled_from(DAMAGE)
    if column == "video_id":
        good = st.integers(-(10**12), 10**12).map(str)
    elif column in COUNTS:
        good = st.integers(0, 2_000_000_000).map(str)
    elif column in CATEGORIES:
        good = st.sampled_from(ALIASES[column]).map(
            lambda a: a.upper() if len(a) % 2 else a.title()
        )
    else:
        return st.one_of(TEXT, damage)
    return st.one_of(good, good, damage)


@st.composite
def csv_files(draw):
    id_name = draw(st.sampled_from([None, "#", "id"]))
    columns = draw(st.permutations(REQUIRED_COLUMNS))
    header = ([id_name] if id_name else []) + list(columns)
    shown = [draw(st.sampled_from([c, c.upper(), c.title()])) for c in header]
    records = []
    for number in range(draw(st.integers(0, 8))):
        row = {c: draw(cell_strategy(c)) for c in columns}
        fields = ([str(number + 1)] if id_name else []) + [row[c] for c in columns]
        ragged = draw(st.sampled_from([0] * 8 + [-1, -3, 1]))
        if ragged < 0:
            fields = fields[:ragged]
        elif ragged > 0:
            fields = fields + ["extra"]
        records.append(fields)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(shown)
    writer.writerows(records)
    text = out.getvalue()
    if draw(st.booleans()) and len(text) > 1:
        text = text[: draw(st.integers(len(text) // 2, len(text) - 1))]
    return header, text


def python_records(path: Path) -> list[list[str]]:
    """Data records by Python's csv module (blank lines are no record)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [r for r in csv.reader(fh) if r][1:]


@pytest.fixture(scope="module")
def con():
    with duckdb.connect() as connection:
        yield connection


@settings(
    max_examples=200,
    database=None,  # no .hypothesis/ folder in the repo
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(csv_files())
def test_staging_keeps_every_record_and_every_valid_value(con, file):
    header, text = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_text(text, encoding="utf-8")
        records = python_records(path)
        try:
            staged, rejected = stage_file(path, con)
            # plain Python values: pandas' string dtype would turn a NULL into NaN
            staged_rows = [dict(zip(staged.columns, r, strict=True)) for r in staged.fetchall()]
            rejected_count = rejected.count("*").fetchall()[0][0]
        except IngestError as exc:
            message = str(exc)
            assert "\n" not in message and "Traceback" not in message
            assert str(path) in message or path.name in message
            return
    assert len(staged_rows) + rejected_count == len(records)

    columns = header  # file order; the row id column (if any) is not checked
    ids = [
        valid_id(r[columns.index("video_id")])[1] if len(r) == len(columns) else None
        for r in records
    ]
    staged_numbers = set()
    for row in staged_rows:
        number = int(row["source_row_number"])
        staged_numbers.add(number)
        record = records[number - 1]
        assert len(record) == len(columns), f"a ragged record was staged: {record}"
        cells = dict(zip(columns, record, strict=True))
        ok, value = valid_id(cells["video_id"])
        if ok:
            assert row["video_id"] == value
        for column in COUNTS:
            ok, value = valid_count(cells[column], column)
            if ok:
                got = row[column]
                assert (None if got is None or got != got else int(got)) == value, column
        for column in CATEGORIES:
            ok, value = valid_category(cells[column], column)
            if ok:
                assert row[column] == value, column
        text_cell = cells["video_transcription_text"]
        if "\n" not in text_cell and "\r" not in text_cell:
            want = None if _missing(text_cell) else text_cell.strip(" ")
            assert row["video_transcription_text"] == want

    for number, record in enumerate(records, start=1):
        if len(record) != len(columns) or number in staged_numbers:
            continue
        cells = dict(zip(columns, record, strict=True))
        every_valid = (
            valid_id(cells["video_id"])[0]
            and all(valid_count(cells[c], c)[0] for c in COUNTS)
            and all(valid_category(cells[c], c)[0] for c in CATEGORIES)
        )
        unique = ids.count(ids[number - 1]) == 1
        if every_valid and unique and number < len(records):  # the last may be truncated
            raise AssertionError(f"record {number} is valid but was rejected: {record}")

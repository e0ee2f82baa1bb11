"""The PDFs that `make report` prints for email: the Overview and each executive summary."""

from __future__ import annotations

import re

import duckdb
import pytest
from pypdf import PdfReader
from test_report_site import SNAPSHOT, exports, require_build

pytestmark = pytest.mark.browser

SUMMARIES = ["eda", "hypothesis_test", "verified_regression", "claim_classifier"]


def pdf_text(path) -> tuple[int, str]:
    reader = PdfReader(path)
    text = "".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", "", text)


def test_overview_pdf_has_the_video_counts():
    require_build()
    pdf = exports() / "summaries" / "overview.pdf"
    assert pdf.is_file()
    with duckdb.connect(str(SNAPSHOT), read_only=True) as con:
        counts = con.sql(
            "select count(*), count(*) filter (where claim_status = 'claim'), "
            "count(*) filter (where claim_status = 'opinion') from marts.fct_videos"
        ).fetchall()[0]
    pages, text = pdf_text(pdf)
    assert pages >= 1
    for n in counts:
        assert f"{n:,}" in text


def numbers_in(markdown: str) -> list[str]:
    """Numbers a reader sees: not in image or link targets, comments or code."""
    prose = re.sub(r"<!--.*?-->", "", markdown, flags=re.S)
    prose = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", prose)
    prose = re.sub(r"`[^`]*`", "", prose)
    prose = re.sub(r"\]\([^)]*\)", "]", prose)
    return re.findall(r"\d[\d,]*(?:\.\d+)?%?", prose)


@pytest.mark.parametrize("name", SUMMARIES)
def test_summary_pdf_has_the_summary_numbers(name):
    require_build()
    md = exports() / "summaries" / f"{name}.md"
    if not md.is_file():
        pytest.skip(f"{md.name} not published (its issue has not landed)")
    pdf = md.with_suffix(".pdf")
    assert pdf.is_file(), pdf
    pages, text = pdf_text(pdf)
    assert pages >= 1
    numbers = numbers_in(md.read_text())
    assert numbers, f"{md.name} has no number"
    missing = [n for n in numbers if n not in text]
    assert missing == []

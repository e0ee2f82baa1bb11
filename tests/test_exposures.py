"""Exposures name every table their consumer reads, so `dbt ls +exposure:...` is the truth."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from conftest import REPO

SOURCES = REPO / "reports" / "sources" / "warehouse"


def _exposures(manifest: dict) -> dict[str, set[str]]:
    """exposure url -> names of the models it depends on."""
    return {
        exposure["url"]: {n.rsplit(".", 1)[1] for n in exposure["depends_on"]["nodes"]}
        for exposure in manifest["exposures"].values()
    }


def test_report_site_lists_every_table_its_sources_read(real_build):
    named = set()
    for path in SOURCES.glob("*.sql"):
        named |= set(re.findall(r"\b(?:marts|stats|ml)\.(\w+)", path.read_text()))
    assert named, "no tables found in reports/sources"
    assert _exposures(real_build.manifest())["reports/build/index.html"] == named


def test_tableau_exposures_list_every_table_in_their_extract(real_build):
    exposures = _exposures(real_build.manifest())
    tds_files = sorted((real_build.exports / "tableau").glob("*.tds"))
    assert len(tds_files) == 2
    for tds in tds_files:
        root = ET.parse(tds).getroot()
        tables = {r.get("name") for r in root.iter("relation") if r.get("type") == "table"}
        assert tables, tds.name
        assert exposures[f"exports/tableau/{tds.name}"] == tables, tds.name

"""Reference data from the dbt seeds (seeds/*.csv): the one copy, read by SQL and Python."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


@cache
def seed_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of seeds/<name>.csv as dicts of text, in file order."""
    with (SEEDS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def metric_labels(column: str = "label") -> dict[str, str]:
    """Count column -> its label ('video_view_count' -> 'views'; column="label_title" for
    'Views'), in display order."""
    rows = sorted(seed_rows("metric_labels"), key=lambda r: int(r["metric_order"]))
    return {row["metric"]: row[column] for row in rows}

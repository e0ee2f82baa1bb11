"""Template + one query per number: a small helper for executive summaries.

A summary is a Markdown template with ``{placeholders}`` and a mapping from each placeholder
to a :class:`Fact`: one SQL query that returns exactly one value, and a formatter that turns
the value into text. :func:`render` runs every query against the warehouse when the summary
is generated, so no number in the text is typed in by hand::

    FACTS = {
        "claims": Fact(
            "select videos from marts.claim_status_summary where claim_status = 'claim'",
            count,
        ),
        "claim_share": Fact(
            "select share_of_labeled from marts.claim_status_summary "
            "where claim_status = 'claim'",
            share,
        ),
    }
    TEMPLATE = "There are {claims} claims ({claim_share} of labeled videos)."

    with connect_readonly() as con:
        write_summary("example", render(TEMPLATE, FACTS, con))

Wording that depends on the data ("more" / "fewer") is a Fact too: let the query return the
word (``case when ... then 'more' else 'fewer' end``) and format it with :func:`text`.
Every placeholder must have a Fact and every Fact must be used, so a typo fails loudly.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from tiktok_claims import formats
from tiktok_claims.formats import count, share, times  # the templates' formatters, re-exported
from tiktok_claims.paths import exports_dir

__all__ = ["Fact", "SummaryError", "count", "number", "render", "share", "text", "times"]


class SummaryError(ValueError):
    """A summary cannot be rendered: a fact is missing, unused, empty or ambiguous."""


# --- formatters: value -> text ----------------------------------------------------------


def number(digits: int = 1) -> Callable[[Any], str]:
    """Formatter with `digits` decimals and thousands separators; whole numbers stay whole."""

    return lambda value: formats.number(value, digits)


def text(value: Any) -> str:
    return str(value)


# --- facts and rendering ----------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One number (or phrase) of a summary: the query that reads it and how to show it.

    sql: a query returning exactly one row with one column.
    fmt: value -> text (count, share, number(2), times, text, or any callable).
    if_null: text shown when the value is NULL; without it a NULL is an error.
    """

    sql: str
    fmt: Callable[[Any], str] = text
    if_null: str | None = None


def fetch(con: duckdb.DuckDBPyConnection, facts: Mapping[str, Fact]) -> dict[str, Any]:
    """Run each fact's query and return the raw values by name."""
    values = {}
    for name, fact in facts.items():
        try:
            rows = con.sql(fact.sql).fetchall()
        except duckdb.Error as exc:
            raise SummaryError(f"fact {name!r}: query failed: {exc}") from exc
        if len(rows) != 1 or len(rows[0]) != 1:
            raise SummaryError(f"fact {name!r}: expected one value, got {len(rows)} row(s)")
        values[name] = rows[0][0]
    return values


def render(template: str, facts: Mapping[str, Fact], con: duckdb.DuckDBPyConnection) -> str:
    """Fill `template`'s {placeholders} with the formatted values of `facts`."""
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    missing, unused = fields - facts.keys(), facts.keys() - fields
    if missing:
        raise SummaryError(f"template placeholders without a fact: {sorted(missing)}")
    if unused:
        raise SummaryError(f"facts the template never uses: {sorted(unused)}")
    shown = {}
    for name, value in fetch(con, facts).items():
        fact = facts[name]
        if value is None:
            if fact.if_null is None:
                raise SummaryError(f"fact {name!r} is NULL in the warehouse")
            shown[name] = fact.if_null
        else:
            shown[name] = fact.fmt(value)
    return template.format_map(shown)


def write_summary(name: str, body: str, out_dir: Path | None = None) -> Path:
    """Write <exports>/summaries/<name>.md (out_dir overrides <exports>) and return its path."""
    folder = Path(out_dir or exports_dir()) / "summaries"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(body, encoding="utf-8")
    return path

"""Number formats: how a value reads in summaries, figures and test conclusions (one place)."""

from __future__ import annotations

from typing import Any


def count(value: Any) -> str:
    """9608 -> '9,608'."""
    return f"{round(float(value)):,}"


def number(value: Any, decimals: int = 0) -> str:
    """1234567.8 -> '1,234,568'; whole numbers never get decimals (6023.0 -> '6,023')."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.{decimals}f}"


def readable(value: float) -> str:
    """Thousands separators, at most 3 significant decimals (0.0123, 1.23, 1,234)."""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.2f}"


def human(value: float) -> str:
    """Short readable number: 4.8B / 1M / 502k / 9,998 / 7 / 0.5."""
    value = float(value)
    if abs(value) >= 999_500_000:
        return f"{value / 1_000_000_000:.1f}B".replace(".0B", "B")
    if abs(value) >= 999_500:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def share(value: Any, digits: int = 1) -> str:
    """0.5035 -> '50.3%'."""
    return f"{100 * float(value):.{digits}f}%"


def times(value: Any) -> str:
    """101.3 -> '101×'; 1.46 -> '1.5×'."""
    value = float(value)
    return f"{value:,.0f}×" if value >= 10 else f"{value:.1f}×"


def p_value(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"

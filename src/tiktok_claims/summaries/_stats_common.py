"""Number wording shared by the statistics summaries (hypothesis test, regression).

They read whole tables (rows picked and sorted by value), so they format values here and
use the shared writer in _render rather than its one-query-per-fact templates.
"""

from __future__ import annotations


def num(x: float, decimals: int = 0) -> str:
    """1234567.8 -> '1,234,568'; whole numbers never get decimals (6023.0 -> '6,023')."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.{decimals}f}"


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def ci(low: float, high: float, decimals: int = 2) -> str:
    return f"95% CI {low:,.{decimals}f} to {high:,.{decimals}f}"


def magnitude(value: float, cut_offs: tuple[float, float, float]) -> str:
    """Conventional size label of |value| given the small/medium/large cut-offs."""
    small, medium, large = cut_offs
    size = abs(value)
    if size < small:
        return "negligible"
    if size < medium:
        return "small"
    return "medium" if size < large else "large"

"""Number wording shared by the statistics summaries (hypothesis test, regression).

They read whole tables (rows picked and sorted by value), so they format values here and
use the shared writer in _render rather than its one-query-per-fact templates.
"""

from __future__ import annotations

from tiktok_claims.formats import number as num
from tiktok_claims.formats import p_value as p_text

__all__ = ["ci", "magnitude", "num", "p_text"]


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

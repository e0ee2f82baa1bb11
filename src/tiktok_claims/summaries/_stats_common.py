"""Formatting and writing shared by the statistics summaries (hypothesis test, regression)."""

from __future__ import annotations

from pathlib import Path

from tiktok_claims.paths import exports_dir


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


def write_summary(name: str, text: str, out_dir: Path | None = None) -> Path:
    """Write <exports>/summaries/<name>.md and return its path."""
    folder = (out_dir or exports_dir()) / "summaries"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path

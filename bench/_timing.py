"""Shared timing helper: run a step a few times, keep every wall time, report the median."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Timing:
    name: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def __str__(self) -> str:
        runs = ", ".join(f"{s:.1f}" for s in self.seconds)
        return f"{self.name}: median {self.median:.1f} s over {len(self.seconds)} runs ({runs})"


def time_median(
    name: str,
    step: Callable[[], object],
    repeats: int = 3,
    setup: Callable[[], object] | None = None,
) -> Timing:
    """Time `step` `repeats` times (wall clock); `setup` runs untimed before each run."""
    seconds = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    timing = Timing(name, seconds)
    print(timing, flush=True)
    return timing

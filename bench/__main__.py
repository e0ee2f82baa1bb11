"""Run every benchmark module bench/bench_*.py (or those named): `python -m bench [name ...]`.

Each module has a `main()`; it prints its own results.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    found = sorted(
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    )
    chosen = [name for name in found if not argv or name in argv or name[6:] in argv]
    if not chosen:
        print(f"no benchmark matches {argv}; found: {', '.join(found)}", file=sys.stderr)
        return 2
    for name in chosen:
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


sys.exit(main(sys.argv[1:]))

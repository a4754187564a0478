"""Benchmark: building the demo city's annual report (snapshot, then PDF/UA) at 60,000 assets.

``.venv/bin/python benchmarks/bench_report.py [--assets N] [--runs R]``. Loads the demo city
(the same generator as ``kretslopp demo``) into a throw-away SQLite database, then times R
times, each with the engine's memo cleared (a cold build, as the first report of the day):
taking the snapshot (every registered section, in Swedish and English) and rendering its
Swedish PDF/UA. The rendering of the same snapshot alone is timed as a baseline in the same
run: what a regenerated report costs, against which the full build's ratio is shown.

Prints medians and the ratio, PASS/FAIL against issue 15's target (a report of the 60,000
asset demo ≤ 20 s), and exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_energy  # noqa: E402  (the throw-away database and the demo loader)

LIMIT_S = 20.0
YEAR = 2025


def _cold() -> None:
    """Forget every remembered result, so each run computes the report from the data."""
    from kretslopp.carbon import services
    from kretslopp.energy import ledger

    services._memo.clear()
    ledger.forget()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-report-") as tmp:
        bench_energy.configure(Path(tmp))
        loaded = bench_energy.load_city(options.assets)
        print(f"demo city with {options.assets:,} assets loaded in {loaded:.1f} s")
        from kretslopp.reports import render, snapshot

        builds, renders = [], []
        for _run in range(options.runs):
            _cold()
            started = time.perf_counter()
            taken = snapshot.take(YEAR)
            report = render.build_report(taken, "sv", "pdf")
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            render.build_report(taken, "sv", "pdf")
            renders.append(time.perf_counter() - started)
        build, again = statistics.median(builds), statistics.median(renders)
        print(f"report {YEAR}: {len(report.data):,} bytes of PDF")
        print(f"snapshot + PDF (cold): median {build:.2f} s over {options.runs} runs")
        print(f"PDF from the snapshot alone (baseline): median {again:.2f} s")
        print(f"ratio full build / regeneration: {build / again:.1f}")
        passed = build <= LIMIT_S
        print(f"{'PASS' if passed else 'FAIL'}: target ≤ {LIMIT_S:.0f} s")
        return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())

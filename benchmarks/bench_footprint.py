"""Benchmark: fleet footprint of 100,000 assets over 10 years (target: median <= 1 s).

Builds a deterministic synthetic fleet (14 departments, every category, a third of the
assets with model-specific embodied figures, half of them already retired), computes the
footprint per year × department × category with :func:`kretslopp.footprint.fleet_footprint`
(fed plain Python lists, as a Django ``values_list`` gives them) and, beside it, with a plain
per-asset Python loop applying the same rules; checks that both give the same totals and
prints medians and the ratio. Exits 1 if the engine's median exceeds the target or the two
disagree.

    .venv/bin/python benchmarks/bench_footprint.py [--assets N] [--repeat R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kretslopp.footprint import CATEGORY_CODES, fleet_footprint, get_factor_set  # noqa: E402
from kretslopp.footprint.grid import get_grid  # noqa: E402

TARGET_S = 1.0
YEARS = range(2015, 2025)
DAYS_PER_YEAR = 365.25

Fleet = dict[str, list]


def synthetic_fleet(n: int, seed: int = 2019) -> Fleet:
    """A reproducible fleet: same seed, same assets."""
    rng = random.Random(seed)
    weights = [30, 12, 3, 2, 20, 12, 6, 2, 1, 1, 1, 2, 1, 5, 1, 1]
    categories = rng.choices(CATEGORY_CODES, weights=weights, k=n)
    departments = [f"forvaltning-{rng.randrange(14):02d}" for _ in range(n)]
    first = dt.date(2012, 1, 1).toordinal()
    in_use = [dt.date.fromordinal(first + rng.randrange(13 * 365)) for _ in range(n)]
    end = [
        None if rng.random() < 0.5 else dt.date.fromordinal(d.toordinal() + rng.randrange(90, 3000))
        for d in in_use
    ]
    embodied: list[float | None] = [
        round(rng.uniform(100, 500), 1) if rng.random() < 1 / 3 else None for _ in range(n)
    ]
    quality = [None if e is None else "model" for e in embodied]
    return {
        "categories": categories,
        "departments": departments,
        "in_use": in_use,
        "end": end,
        "embodied_kg_co2e": embodied,
        "data_quality": quality,
    }


def run_engine(fleet: Fleet) -> dict[tuple[int, str], float]:
    result = fleet_footprint(
        fleet["categories"],
        fleet["in_use"],
        fleet["end"],
        years=YEARS,
        departments=fleet["departments"],
        embodied_kg_co2e=fleet["embodied_kg_co2e"],
        data_quality=fleet["data_quality"],
    )
    totals: dict[tuple[int, str], float] = {}
    for year in YEARS:
        agg = result.total(year=year)
        totals[(year, "embodied")] = agg.embodied_kg_co2e
        totals[(year, "kwh")] = agg.use_kwh
        totals[(year, "use_kg")] = agg.use_kg_co2e
    return totals


def run_loop(fleet: Fleet) -> dict[tuple[int, str], float]:
    """The same rules, one asset and one year at a time, in plain Python."""
    fs = get_factor_set()
    grid = get_grid()
    g_per_kwh = {y: grid.factor(y).g_co2e_per_kwh for y in YEARS}
    bounds = {y: (dt.date(y, 1, 1).toordinal(), dt.date(y + 1, 1, 1).toordinal()) for y in YEARS}
    cube: dict[tuple[int, str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for category, department, start_date, end_date, own_embodied, quality in zip(
        fleet["categories"],
        fleet["departments"],
        fleet["in_use"],
        fleet["end"],
        fleet["embodied_kg_co2e"],
        fleet["data_quality"],
        strict=True,
    ):
        factors = fs[category]
        embodied = own_embodied if own_embodied is not None else factors.embodied_kg_co2e
        lifetime_days = factors.lifetime_years * DAYS_PER_YEAR
        start = start_date.toordinal()
        end = end_date.toordinal() if end_date is not None else dt.date(9999, 12, 31).toordinal()
        charge_end = min(float(end), start + lifetime_days)
        level = quality or "category"
        for year in YEARS:
            y0, y1 = bounds[year]
            lo = max(start, y0)
            days = max(0, min(end, y1) - lo)
            charged = max(0.0, min(charge_end, float(y1)) - lo)
            kwh = factors.kwh_per_year * days / (y1 - y0)
            cell = cube[(year, department, category, level)]
            cell[0] += embodied * charged / lifetime_days
            cell[1] += kwh
            cell[2] += kwh * g_per_kwh[year] / 1000.0
    totals: dict[tuple[int, str], float] = defaultdict(float)
    for (year, _, _, _), (emb, kwh, use_kg) in cube.items():
        totals[(year, "embodied")] += emb
        totals[(year, "kwh")] += kwh
        totals[(year, "use_kg")] += use_kg
    return dict(totals)


def median_time(func: Callable[[Fleet], object], fleet: Fleet, repeat: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func(fleet)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="engine runs (>= 5)")
    parser.add_argument("--loop-repeat", type=int, default=3, help="loop runs (>= 3)")
    args = parser.parse_args(argv)

    fleet = synthetic_fleet(args.assets)
    run_engine(fleet)  # warm-up: loads the factor sets, grid and PCF files once
    engine_s, engine_totals = median_time(run_engine, fleet, max(5, args.repeat))
    loop_s, loop_totals = median_time(run_loop, fleet, max(3, args.loop_repeat))

    assert isinstance(engine_totals, dict) and isinstance(loop_totals, dict)
    worst = max(
        abs(engine_totals[k] - loop_totals[k]) / max(1.0, abs(loop_totals[k])) for k in loop_totals
    )
    same = worst < 1e-9
    passed = engine_s <= TARGET_S

    print(
        f"fleet footprint: {args.assets:,} assets x {len(YEARS)} years "
        f"({YEARS[0]}-{YEARS[-1]}), medians of {max(5, args.repeat)} engine / "
        f"{max(3, args.loop_repeat)} loop runs"
    )
    rows = [
        ("engine (numpy, fleet_footprint)", engine_s, engine_s / loop_s, f"<= {TARGET_S:g} s",
         "PASS" if passed else "FAIL"),
        ("plain Python per-asset loop", loop_s, 1.0, "-", "-"),
    ]  # fmt: skip
    print(f"{'name':<34} {'median s':>9} {'ratio':>7} {'target':>9} {'result':>7}")
    for name, seconds, ratio, target, result in rows:
        print(f"{name:<34} {seconds:>9.3f} {ratio:>7.3f} {target:>9} {result:>7}")
    total_2024 = engine_totals[(2024, "embodied")] + engine_totals[(2024, "use_kg")]
    print(
        f"same totals as the loop: {'yes' if same else 'NO'} (largest relative difference "
        f"{worst:.1e}); 2024 total {total_2024 / 1000:,.1f} t CO2e"
    )
    return 0 if (passed and same) else 1


if __name__ == "__main__":
    raise SystemExit(main())

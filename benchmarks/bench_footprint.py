"""Benchmark: fleet footprint of 100,000 and 1,000,000 assets over 10 years.

Builds a deterministic synthetic fleet (14 departments, every category, a third of the
assets with model-specific embodied figures, half of them already retired), computes the
footprint per year × department × category with :func:`kretslopp.footprint.fleet_footprint`
(fed plain Python lists, as a Django ``values_list`` gives them) and, beside it, with a plain
per-asset Python loop applying the same rules; checks that both give the same totals and
prints medians and the ratio. Then the same at 1,000,000 assets (``--large``): the engine's
median, how its time grew from 100,000 (within 11× for 10× the assets: it streams the
fleet in chunks), and the peak memory the computation adds, measured in a fresh process as
the growth of its resident set (the kernel's high-water mark, reset just before the run)
with ``tracemalloc``'s peak beside it (numpy reports its buffers to it). Exits 1 if a
target is missed or the totals disagree.

Targets: 100,000 assets ≤ 1 s (the product brief); 1,000,000 assets ≤ 2 s with ≤ 300 MB
added, and ≤ 11× the time of 100,000 (issue 16).

    .venv/bin/python benchmarks/bench_footprint.py [--assets N] [--large N] [--repeat R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kretslopp.footprint import CATEGORY_CODES, fleet_footprint, get_factor_set  # noqa: E402
from kretslopp.footprint.engine import CHUNK_ASSETS  # noqa: E402
from kretslopp.footprint.grid import get_grid  # noqa: E402

TARGET_S = 1.0
LARGE_TARGET_S = 2.0
LARGE_MEMORY_MB = 300.0
SCALING_LIMIT = 11.0
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


def run_engine(fleet: Fleet, **options: int) -> dict[tuple[int, str], float]:
    result = fleet_footprint(
        fleet["categories"],
        fleet["in_use"],
        fleet["end"],
        years=YEARS,
        departments=fleet["departments"],
        embodied_kg_co2e=fleet["embodied_kg_co2e"],
        data_quality=fleet["data_quality"],
        **options,
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


def resident_mb(field: str = "VmRSS") -> float:
    """This process's resident set (or its high-water mark, ``VmHWM``) in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory_child(assets: int) -> None:
    """In a fresh process: MB the engine adds to the resident set, and tracemalloc's peak.

    The fleet (plain lists) is built first; then the kernel's high-water mark is reset
    (``/proc/self/clear_refs``), so the peak read afterwards is the computation's own.
    """
    fleet = synthetic_fleet(assets)
    run_engine(synthetic_fleet(1_000))  # factor sets and grid loaded, as in the timed runs
    before = resident_mb()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")
    run_engine(fleet)
    added = resident_mb("VmHWM") - before
    tracemalloc.start()
    run_engine(fleet)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{added:.1f} {peak / 1e6:.1f}")


def added_memory_mb(assets: int) -> tuple[float, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(assets)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    added, traced = output.split()
    return float(added), float(traced)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000, help="0: skip the large fleet")
    parser.add_argument("--repeat", type=int, default=7, help="engine runs (>= 5)")
    parser.add_argument("--loop-repeat", type=int, default=3, help="loop runs (>= 3)")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    load_before = os.getloadavg()[0]
    ok = small_fleet(args)
    if args.large:
        ok = large_fleet(args) and ok
    print(f"load average: {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def small_fleet(args: argparse.Namespace) -> bool:
    fleet = synthetic_fleet(args.assets)
    run_engine(fleet)  # warm-up: loads the factor sets, grid and PCF files once
    engine_s, engine_totals = median_time(run_engine, fleet, max(5, args.repeat))
    loop_s, loop_totals = median_time(run_loop, fleet, max(3, args.loop_repeat))
    args.small_engine_s = engine_s

    assert isinstance(engine_totals, dict) and isinstance(loop_totals, dict)
    worst = max(
        abs(engine_totals[k] - loop_totals[k]) / max(1.0, abs(loop_totals[k])) for k in loop_totals
    )
    same = worst < 1e-9
    one_chunk = run_engine(fleet, chunk_assets=args.assets)
    chunking = max(abs(one_chunk[k] - engine_totals[k]) / abs(one_chunk[k]) for k in one_chunk)
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
    print(
        f"same totals in chunks of {CHUNK_ASSETS:,} as in one: "
        f"{'yes' if chunking <= 1e-12 else 'NO'} (largest relative difference {chunking:.1e})"
    )
    return passed and same and chunking <= 1e-12


def large_fleet(args: argparse.Namespace) -> bool:
    fleet = synthetic_fleet(args.large)
    run_engine(fleet)  # warm-up, as for the small fleet
    repeat = max(5, args.repeat // 2)
    engine_s, _totals = median_time(run_engine, fleet, repeat)
    del fleet
    added, traced = added_memory_mb(args.large)
    scaling = engine_s / args.small_engine_s
    print(
        f"large fleet: {args.large:,} assets x {len(YEARS)} years, median of {repeat} runs; "
        f"memory in a fresh process"
    )
    rows = [
        ("engine (median)", f"{engine_s:.3f} s", f"<= {LARGE_TARGET_S:g} s",
         engine_s <= LARGE_TARGET_S),
        (f"time {args.large:,} / {args.assets:,}", f"{scaling:.2f} x",
         f"<= {SCALING_LIMIT:g} x", scaling <= SCALING_LIMIT),
        ("added memory (RSS high-water)", f"{added:.0f} MB", f"<= {LARGE_MEMORY_MB:g} MB",
         added <= LARGE_MEMORY_MB),
        ("  tracemalloc peak (info)", f"{traced:.0f} MB", "-", None),
    ]  # fmt: skip
    print(f"{'name':<34} {'value':>10} {'target':>11} {'result':>7}")
    for name, value, target, ok in rows:
        result = "-" if ok is None else "PASS" if ok else "FAIL"
        print(f"{name:<34} {value:>10} {target:>11} {result:>7}")
    return all(ok for _name, _value, _target, ok in rows if ok is not None)


if __name__ == "__main__":
    raise SystemExit(main())

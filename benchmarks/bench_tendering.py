"""Benchmark: evaluating 20 offers × 500 lines with 15 criteria (target: median <= 1 s).

Builds a deterministic procurement (two lots, laptops and phones; 20 bidders with 500 lines
each; 15 criterion uses: four requirements and eleven award criteria of every check kind) and
times :func:`kretslopp.tendering.evaluate` end to end — requirements, award bands, lifecycle
cost and CO2e, both rankings — and, beside it, the serialisation the app stores when an
evaluation is decided. Checks that a second run gives byte-equal JSON. Exits 1 if the
evaluation's median exceeds the target or the runs differ.

    .venv/bin/python benchmarks/bench_tendering.py [--offers N] [--lines N] [--repeat R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kretslopp.tendering import (  # noqa: E402
    CriterionUse,
    OfferLine,
    ProcurementParameters,
    evaluate,
)

TARGET_S = 1.0
DAY = dt.date(2025, 3, 1)


def procurement() -> tuple[ProcurementParameters, list[CriterionUse]]:
    parameters = ProcurementParameters(
        units=3000,
        units_by_lot={"mobil": 1200},
        lifetime_years=5,
        discount_rate="0.03",
        electricity_price_sek_per_kwh="1.35",
        grid_kg_co2e_per_kwh="0.045",
        evaluation_date=DAY,
        shadow_price_sek_per_tonne="1500",
        price_basis="lcc_with_co2e",
        price_weight="60",
        default_embodied={
            "laptop": {"kg_co2e": "300", "source": "benchmark"},
            "smartphone": {"kg_co2e": "55", "source": "benchmark"},
        },
    )
    warranty = {"minimum_warranty_years": 3}
    criteria = [
        CriterionUse.from_library("upph-11185"),
        CriterionUse.from_library("upph-11180-1"),
        CriterionUse.from_library("own-tco-certified"),
        CriterionUse.from_library("upph-11186"),
        CriterionUse.from_library("upph-11169", max_points=8, deduction_sek=300),
        CriterionUse.from_library("upph-11189", max_points=6, deduction_sek=400,
                                  parameters=warranty),
        CriterionUse.from_library("upph-11193", max_points=4, deduction_sek=250),
        CriterionUse.from_library("own-tco-edge-ewaste", max_points=5, deduction_sek=200),
        CriterionUse.from_library("own-epeat-gold", max_points=3, deduction_sek=100),
        CriterionUse.from_library("own-pcf-declared", max_points=2, deduction_sek=50),
        CriterionUse.from_library("upph-11169", use_id="11169-strict", max_points=2),
        CriterionUse.from_library("upph-11189", use_id="11189-from-2", max_points=2,
                                  parameters={"minimum_warranty_years": 2}),
        CriterionUse.from_library("upph-11193", use_id="11193-extra", max_points=1),
        CriterionUse.from_library("own-tco-edge-ewaste", use_id="edge-extra", max_points=1),
        CriterionUse.from_library("own-epeat-gold", use_id="epeat-extra", max_points=1),
    ]  # fmt: skip
    return parameters, criteria


def offers(n_offers: int, n_lines: int, seed: int = 13) -> list[OfferLine]:
    """A reproducible set of offers: same seed, same lines."""
    rng = random.Random(seed)
    valid = DAY + dt.timedelta(days=500)
    lapsed = DAY - dt.timedelta(days=5)
    lines = []
    for bidder in range(n_offers):
        for number in range(n_lines):
            phone = number % 3 == 0
            certificates = [
                {"scheme_id": "tco-certified", "tier": "generation-10", "number": f"T{number}",
                 "valid_to": valid if rng.random() < 0.95 else lapsed},
            ]  # fmt: skip
            if rng.random() < 0.4:
                certificates.append(
                    {"scheme_id": "tco-certified-edge", "tier": "e-waste-compensated",
                     "number": f"E{number}", "valid_to": valid}
                )  # fmt: skip
            elif rng.random() < 0.5:
                certificates.append(
                    {
                        "scheme_id": "epeat",
                        "tier": "gold",
                        "number": f"P{number}",
                        "valid_to": valid,
                    }
                )
            lines.append(
                OfferLine(
                    bidder=f"Anbudsgivare {bidder:02d}",
                    line_id=str(number),
                    lot="mobil" if phone else "laptop",
                    category="smartphone" if phone else "laptop",
                    manufacturer=f"Tillverkare {rng.randrange(8)}",
                    model=f"Modell {bidder}-{number}",
                    price_per_unit_sek=Decimal(rng.randrange(250_000, 1_800_000)) / 100,
                    tec_kwh_per_year=Decimal(rng.randrange(300, 4000)) / 100,
                    etec_limit_kwh_per_year=None if phone else Decimal("60.5"),
                    warranty_years=rng.randrange(1, 8),
                    battery_cycles=rng.randrange(300, 1500),
                    spare_part_years=rng.randrange(2, 8),
                    pcf_kg_co2e=None if rng.random() < 0.3
                    else Decimal(rng.randrange(40_000, 500_000)) / 1000,
                    certificates=tuple(certificates),
                    declarations=frozenset(
                        {"upph-11180-1", "upph-11186"} if rng.random() < 0.97 else ()
                    ),
                )
            )  # fmt: skip
    return lines


def median_time(func, repeat: int):
    """Median wall-clock and CPU seconds of ``repeat`` runs, and the last result."""
    times, cpu_times, result = [], [], None
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = func()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    return statistics.median(times), statistics.median(cpu_times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=20)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7, help="runs (>= 5)")
    args = parser.parse_args(argv)

    parameters, criteria = procurement()
    lines = offers(args.offers, args.lines)
    repeat = max(5, args.repeat)
    evaluate(parameters, criteria, lines)  # warm-up: loads the library once
    evaluate_s, evaluate_cpu_s, evaluation = median_time(
        lambda: evaluate(parameters, criteria, lines), repeat
    )
    json_s, json_cpu_s, text = median_time(evaluation.to_json, repeat)
    same = evaluate(parameters, criteria, lines).to_json() == text
    passed = evaluate_s <= TARGET_S

    excluded = sum(result.excluded for result in evaluation.results)
    print(
        f"offer evaluation: {args.offers} offers x {args.lines} lines = {len(lines):,} lines, "
        f"{len(criteria)} criteria, medians of {repeat} runs"
    )
    rows = [
        ("evaluate (requirements, bands, LCC, CO2e, ranks)", evaluate_s, evaluate_cpu_s,
         f"<= {TARGET_S:g} s", "PASS" if passed else "FAIL"),
        ("as JSON (what a decided evaluation stores)", json_s, json_cpu_s, "-", "-"),
    ]  # fmt: skip
    print(f"{'name':<50} {'median s':>9} {'(cpu s)':>8} {'target':>9} {'result':>7}")
    for name, seconds, cpu_seconds, target, result in rows:
        print(f"{name:<50} {seconds:>9.3f} {cpu_seconds:>8.3f} {target:>9} {result:>7}")
    print(
        f"same JSON on a second run: {'yes' if same else 'NO'}; {excluded:,} lines excluded; "
        f"{len(text) / 1e6:.1f} MB of JSON"
    )
    return 0 if (passed and same) else 1


if __name__ == "__main__":
    raise SystemExit(main())

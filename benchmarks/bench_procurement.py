"""Benchmark: evaluating 20 offers × 500 lines with 15 criteria through the app (median <= 1 s).

Standalone: configures Django on a temporary SQLite database, migrates (which seeds the
criteria library), stores a procurement with 15 criteria used (the shipped ones plus two of
our own made from them, as procurement would add to the library) and 20 bidders' offers of 500
lines each — the same deterministic lines as ``bench_tendering.py`` — and times what the
evaluation page does: :func:`kretslopp.procurement.evaluation.run` reads the procurement, its
criteria as stored and every offer line from the database, takes the embodied defaults from
the factor set, and evaluates. Beside it, the decision (freezing inputs and result as JSON,
making the contracts) is timed once, without a target. Exits 1 if the median misses.

    .venv/bin/python benchmarks/bench_procurement.py [--offers N] [--lines N] [--repeat R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TARGET_S = 1.0
HERE = Path(__file__).resolve().parent


def configure(var_dir: Path) -> None:
    os.environ["KRETSLOPP_VAR_DIR"] = str(var_dir)
    os.environ["KRETSLOPP_DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ.setdefault("KRETSLOPP_HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def own_copy(criterion_id: str, new_id: str, **changes):
    """One of our own criteria made from a shipped one (as procurement adds to the library)."""
    from kretslopp.procurement.models import Criterion

    values = {
        field.name: getattr(Criterion.objects.get(criterion_id=criterion_id), field.name)
        for field in Criterion._meta.concrete_fields
        if field.name not in ("id", "criterion_id", "created_at", "updated_at")
    }
    return Criterion.objects.create(
        criterion_id=new_id, **{**values, "origin": "own", "version": 1, **changes}
    )


def build(n_offers: int, n_lines: int):
    from bench_tendering import DAY, offers

    from kretslopp.procurement.models import (
        Criterion,
        CriterionUse,
        Offer,
        OfferLine,
        Procurement,
        Supplier,
    )

    procurement = Procurement.objects.create(
        reference="BENCH-1", title="Bänk", product_group="computers", units=3000,
        units_by_lot={"mobil": 1200}, lifetime_years=5, discount_rate=Decimal("0.03"),
        sek_per_kwh=Decimal("1.35"), grid_kg_co2e_per_kwh=Decimal("0.045"),
        shadow_price_sek_per_tonne=Decimal("1500"), price_basis="lcc_with_co2e",
        price_weight=Decimal("60"), evaluation_date=DAY,
    )  # fmt: skip
    own_copy("upph-11189", "own-warranty-from-2")
    own_copy("upph-11193", "own-battery-extra")
    weights = {
        "upph-11169": (8, 300), "upph-11189": (6, 400), "upph-11193": (4, 250),
        "own-tco-edge-ewaste": (5, 200), "own-epeat-gold": (3, 100), "own-pcf-declared": (2, 50),
        "own-warranty-from-2": (2, 0), "own-battery-extra": (1, 0),
    }  # fmt: skip
    parameters = {
        "upph-11189": {"minimum_warranty_years": "3"},
        "own-warranty-from-2": {"minimum_warranty_years": "2"},
    }
    for order, criterion in enumerate(Criterion.objects.all()):
        points, deduction = weights.get(criterion.criterion_id, (0, 0))
        CriterionUse.objects.create(
            procurement=procurement, criterion=criterion, type=criterion.type,
            max_points=points, deduction_sek=deduction, order=order,
            parameters=parameters.get(criterion.criterion_id, {}),
        )  # fmt: skip
    rows = []
    by_bidder: dict[str, Offer] = {}
    for line in offers(n_offers, n_lines):
        offer = by_bidder.get(line.bidder)
        if offer is None:
            supplier = Supplier.objects.create(name=line.bidder)
            offer = by_bidder[line.bidder] = Offer.objects.create(
                procurement=procurement, supplier=supplier
            )
        rows.append(
            OfferLine(
                offer=offer, row_number=len(rows) + 2, line_id=line.line_id, lot=line.lot,
                category=line.category, manufacturer=line.manufacturer, model=line.model,
                price_per_unit_sek=line.price_per_unit_sek,
                tec_kwh_per_year=line.tec_kwh_per_year,
                etec_limit_kwh_per_year=line.etec_limit_kwh_per_year,
                warranty_years=line.warranty_years, battery_cycles=line.battery_cycles,
                spare_part_years=line.spare_part_years, pcf_kg_co2e=line.pcf_kg_co2e,
                certificates=[cert.as_dict() for cert in line.certificates],
                declarations=sorted(line.declarations),
            )
        )  # fmt: skip
    OfferLine.objects.bulk_create(rows, batch_size=2000)
    return procurement


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=20)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="runs (>= 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-") as tmp:
        configure(Path(tmp))
        from kretslopp.procurement import evaluation as service

        procurement = build(args.offers, args.lines)
        uses = procurement.criterion_uses.count()
        service.run(procurement)  # warm-up: loads the library and the factor set once
        times, cpu_times = [], []
        for _ in range(max(3, args.repeat)):
            started, cpu_started = time.perf_counter(), time.process_time()
            computed = service.run(procurement, today=dt.date(2025, 3, 1))
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
        median, cpu_median = statistics.median(times), statistics.median(cpu_times)
        started = time.perf_counter()
        service.decide(procurement, "value_deduction", None)
        decide_s = time.perf_counter() - started
        passed = median <= TARGET_S
        lines = len(computed.evaluation.results)
        print(
            f"procurement evaluation through the app: {args.offers} offers x {args.lines} "
            f"lines = {lines:,} lines, {uses} criteria, median of {len(times)} runs"
        )
        print(f"{'name':<52} {'median s':>9} {'(cpu s)':>8} {'target':>9} {'result':>7}")
        print(
            f"{'read from the database and evaluate':<52} {median:>9.3f} {cpu_median:>8.3f} "
            f"{'<= ' + format(TARGET_S, 'g') + ' s':>9} {'PASS' if passed else 'FAIL':>7}"
        )
        print(f"{'decide: freeze as JSON, make the contracts (once)':<52} {decide_s:>9.3f} "
              f"{'-':>8} {'-':>9} {'-':>7}")  # fmt: skip
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())

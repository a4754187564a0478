"""Take-back benchmark: 7,500 scans, then a 7,500-row partner report, each ≤ 10 s (median of 3).

Standalone: configures Django on a temporary SQLite database (KRETSLOPP_DATABASE_URL and
KRETSLOPP_VAR_DIR are set before ``django.setup()``), migrates, creates 7,500 assets in use,
and per run: registers a scan of every asset's tag through ``collection.collect_many`` (a
scanner's stored batch, judged scan by scan with the rules of the scan page), hands them
over on one manifest, then imports a partner report of 7,500 rows through the import
pipeline. Prints a table with PASS/FAIL; exits 1 on FAIL.

    .venv/bin/python benchmarks/bench_takeback.py [--assets 7500] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

LIMIT_SECONDS = 10.0


def configure(var_dir: Path) -> None:
    os.environ["KRETSLOPP_VAR_DIR"] = str(var_dir)
    os.environ["KRETSLOPP_DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ.setdefault("KRETSLOPP_HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_fleet(count: int, run: int) -> list[str]:
    """``count`` laptops in use in one department; returns their asset tags."""
    from kretslopp.inventory.models import Asset, LifecycleEvent, Manufacturer, ProductModel
    from kretslopp.organisation.models import Department, Organisation

    Organisation.objects.get_or_create(name="Bänkstad")
    department, _ = Department.objects.get_or_create(code="BNK", name="Bänkförvaltningen")
    maker, _ = Manufacturer.objects.get_or_create(name="Dell")
    model, _ = ProductModel.objects.get_or_create(
        manufacturer=maker, name="Latitude 5420", category="laptop"
    )
    tags = [f"R{run}-{n:06d}" for n in range(count)]
    Asset.objects.bulk_create(
        [
            Asset(
                asset_tag=tag,
                serial_number=f"SN{tag}",
                model=model,
                department=department,
                status="in_use",
                in_use_date=dt.date(2019, 1, 1),
            )
            for tag in tags
        ],
        batch_size=1000,
    )
    ids = Asset.objects.filter(asset_tag__in=tags).values_list("pk", flat=True)
    LifecycleEvent.objects.bulk_create(
        [LifecycleEvent(asset_id=pk, from_status="", to_status="in_use") for pk in ids],
        batch_size=1000,
    )
    return tags


def campaign(run: int):
    from kretslopp.circular.models import Campaign
    from kretslopp.organisation.models import Partner

    partner, _ = Partner.objects.get_or_create(name="Bänkpartner AB")
    return Campaign.objects.create(
        name=f"Bänkåtertag {run}",
        partner=partner,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 1, 31),
    )


def report(tags: list[str]):
    from kretslopp.tabular import open_table, write_csv

    headers = ["Inventarienummer", "Serienummer", "Raderingsmetod", "Verktyg", "Intygsnummer",
               "Raderingsdatum", "Klass", "Utfall", "Vikt (kg)",
               "Försäljningsvärde (SEK)"]  # fmt: skip
    rows = (
        [tag, f"SN{tag}", "NIST Purge", "Blancco 7", f"C-{tag}", "2024-02-01",
         "B", "resold" if n % 5 else "recycled", "2,1", "900"]
        for n, tag in enumerate(tags)
    )  # fmt: skip
    buffer = io.BytesIO()
    write_csv(buffer, headers, rows, dialect="swedish")
    return open_table(buffer.getvalue(), "partnerrapport.csv")


def one_run(count: int, run: int) -> tuple[float, float]:
    from kretslopp.circular import collection, handover
    from kretslopp.circular.report import import_report
    from kretslopp.organisation.access import Access
    from kretslopp.organisation.models import Role

    access = Access(role=Role.ADMINISTRATOR, department_ids=None)
    tags = make_fleet(count, run)
    target = campaign(run)
    started = time.perf_counter()
    batch = collection.collect_many(target, tags, access=access)
    scans = time.perf_counter() - started
    if batch.refused or len(batch.collected) != count:
        raise SystemExit(f"scans were refused: {batch.refused[:5]}")
    handover.hand_over(
        target, handed_over_on=dt.date(2024, 1, 31), handed_over_by="Bänk", received_by="Partner"
    )
    table = report(tags)
    started = time.perf_counter()
    result = import_report(target, table, access=access)
    imported = time.perf_counter() - started
    if result.status != "committed" or result.counts.updated != count:
        raise SystemExit(f"the partner report was not applied: {result.summary()}")
    return scans, imported


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=7500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-") as var_dir:
        configure(Path(var_dir))
        timings = [one_run(args.assets, run) for run in range(args.runs)]
    rows = [
        (f"register {args.assets:,} scans", [t[0] for t in timings]),
        (f"import {args.assets:,}-row partner report", [t[1] for t in timings]),
    ]
    failed = False
    print(f"{'case':<36} {'runs (s)':<26} {'median':>8} {'limit':>7}  result")
    for name, seconds in rows:
        median = statistics.median(seconds)
        ok = median <= LIMIT_SECONDS
        failed |= not ok
        runs = ", ".join(f"{s:.2f}" for s in seconds)
        verdict = "PASS" if ok else "FAIL"
        print(f"{name:<36} {runs:<26} {median:>8.2f} {LIMIT_SECONDS:>7.1f}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

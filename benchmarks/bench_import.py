"""Benchmark: importing 100,000 assets through the full pipeline against a raw baseline.

Standalone: ``.venv/bin/python benchmarks/bench_import.py [--rows N] [--runs R]``. It sets
up Django itself on a throw-away SQLite file (KRETSLOPP_DATABASE_URL and KRETSLOPP_VAR_DIR
point into a temporary directory), migrates, creates 14 departments and a small catalogue,
and writes a 100,000-row CSV in our own export format. Then, in the same run:

* **baseline** — ``csv.reader`` + ``Asset`` objects + ``bulk_create`` of the same rows, no
  validation, no events, no audit (median of R, the assets truncated before each);
* **import** — the full pipeline: read, map, validate, plan, write assets, lifecycle events
  and audit entries in one transaction (median of R, truncated before each);
* **re-import** — the same file again onto the imported assets: every row unchanged;
* **peak memory** — the maximum resident set size of a child process doing one import.

It prints a table and PASS/FAIL against the targets and exits 1 on any FAIL.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

IMPORT_LIMIT_S = 10.0
RATIO_LIMIT = 4.0
MEMORY_LIMIT_MB = 600.0
REIMPORT_LIMIT_S = 5.0

HEADERS = [
    "Asset tag", "Serial number", "Manufacturer", "Model", "Category", "Department",
    "Location", "Purchase date", "Delivery date", "In use since", "Purchase price (SEK)",
    "Supplier", "Order number", "Warranty end", "Planned end of life", "Has storage",
    "Status", "Notes",
]  # fmt: skip
DEPARTMENTS = [
    ("SBK", "Stadsbyggnadskontoret"), ("FRI", "Fritidsförvaltningen"),
    ("MF", "Miljöförvaltningen"), ("GRF", "Grundskoleförvaltningen"),
    ("GYF", "Gymnasie- och vuxenutbildningsförvaltningen"), ("FSF", "Förskoleförvaltningen"),
    ("SOF", "Sociala resursförvaltningen"), ("FVF", "Funktionsstödsförvaltningen"),
    ("HVOF", "Hälsa-, vård- och omsorgsförvaltningen"), ("AF", "Arbetsmarknadsförvaltningen"),
    ("KF", "Kulturförvaltningen"), ("SRF", "Serviceförvaltningen"),
    ("SK", "Stadskontoret"), ("GSF", "Gatukontoret"),
]  # fmt: skip
MODELS = [
    ("Dell", "Latitude 5420", "laptop"), ("HP", "EliteBook 840 G8", "laptop"),
    ("Lenovo", "ThinkPad T14 Gen 2", "laptop"), ("Apple", "iPhone 12", "smartphone"),
    ("Dell", "OptiPlex 7090", "desktop"), ("Dell", "P2422H", "monitor"),
    ("Apple", "iPad 9", "tablet"), ("HP", "t640", "thin_client"),
]  # fmt: skip
LOCATIONS = [f"Kontor {n}" for n in range(20)]


def configure(directory: Path) -> None:
    """Point Django at a fresh SQLite file in ``directory`` and migrate it."""
    os.environ["KRETSLOPP_DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["KRETSLOPP_VAR_DIR"] = str(directory)
    os.environ["KRETSLOPP_HTTPS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    import django

    django.setup()


def migrate_and_seed() -> None:
    from django.core.management import call_command

    from kretslopp.inventory.models import Manufacturer, ProductModel
    from kretslopp.organisation.models import Department, Location

    call_command("migrate", verbosity=0, interactive=False)
    for code, name in DEPARTMENTS:
        Department.objects.create(code=code, name=name)
    makers = {name: Manufacturer.objects.create(name=name) for name in {m for m, _n, _c in MODELS}}
    for maker, name, category in MODELS:
        ProductModel.objects.create(manufacturer=makers[maker], name=name, category=category)
    for name in LOCATIONS:
        Location.objects.create(name=name)


def make_file(path: Path, rows: int) -> None:
    """Our own export format, comma-separated UTF-8: what an export → import round trip reads."""
    rng = random.Random(2020)
    start = dt.date(2016, 1, 1).toordinal()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number in range(rows):
            maker, model, category = rng.choice(MODELS)
            bought = dt.date.fromordinal(start + rng.randrange(2500))
            writer.writerow([
                f"MS-{number:07d}", f"SN{number:09d}", maker, model, category,
                rng.choice(DEPARTMENTS)[0], rng.choice(LOCATIONS), bought.isoformat(),
                (bought + dt.timedelta(days=7)).isoformat(),
                (bought + dt.timedelta(days=21)).isoformat(),
                f"{rng.randrange(1500, 20000)}.{rng.randrange(100):02d}", "Atea Sverige AB",
                f"PO-{rng.randrange(10**6)}", (bought + dt.timedelta(days=1095)).isoformat(),
                (bought + dt.timedelta(days=1826)).isoformat(),
                "false" if category == "monitor" else "true",
                rng.choice(["In use", "In use", "In use", "In stock", "Returned"]),
                "Levererad med docka" if number % 10 == 0 else "",
            ])  # fmt: skip


def truncate() -> None:
    """Empty what an import writes, fast (no per-row signals)."""
    from django.db import connection

    from kretslopp.core.models import AuditEntry
    from kretslopp.imports.models import ImportJob
    from kretslopp.inventory.models import Asset, LifecycleEvent

    with connection.cursor() as cursor:
        for model in (LifecycleEvent, AuditEntry, Asset, ImportJob):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608


def pipeline_import(path: Path) -> dict:
    """One full import of ``path`` as the command line does it."""
    from kretslopp.imports import runs
    from kretslopp.imports.models import ImportJob

    job = ImportJob.objects.create(file_name=path.name)
    table = runs.open_file(path, path.name)
    mapping = runs.decide_mapping(runs.TARGETS["assets"](), table.headers)
    result = runs.run(table, mapping, job=job, access=runs.SYSTEM_ACCESS)
    if result.status != "committed":
        raise SystemExit(f"the import did not commit: {result.summary()['errors'][:3]}")
    return result.summary()


def baseline_import(path: Path) -> int:
    """csv.reader + bulk_create of the same Asset rows: the least any import must do."""
    from django.db import transaction

    from kretslopp.inventory.models import Asset, Manufacturer, ProductModel
    from kretslopp.organisation.models import Department, Location

    makers = dict(Manufacturer.objects.values_list("name", "pk"))
    models = {
        (makers_by_id, name): pk
        for pk, makers_by_id, name in ProductModel.objects.values_list(
            "pk", "manufacturer_id", "name"
        )
    }
    departments = dict(Department.objects.values_list("code", "pk"))
    locations = dict(Location.objects.values_list("name", "pk"))
    statuses = {"In use": "in_use", "In stock": "in_stock", "Returned": "returned"}
    day = dt.date.fromisoformat
    count = 0
    with transaction.atomic(), path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch: list[Asset] = []
        for cells in reader:
            batch.append(
                Asset(
                    asset_tag=cells[0],
                    serial_number=cells[1],
                    model_id=models[(makers[cells[2]], cells[3])],
                    department_id=departments[cells[5]],
                    location_id=locations[cells[6]],
                    purchase_date=day(cells[7]),
                    delivery_date=day(cells[8]),
                    in_use_date=day(cells[9]),
                    purchase_price_sek=Decimal(cells[10]),
                    supplier=cells[11],
                    order_number=cells[12],
                    warranty_end=day(cells[13]),
                    planned_end_of_life=day(cells[14]),
                    has_storage=cells[15] == "true",
                    status=statuses[cells[16]],
                    notes=cells[17],
                )
            )
            if len(batch) == 2000:
                Asset.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        Asset.objects.bulk_create(batch)
        count += len(batch)
    return count


def timed(
    function: Callable[[], object], runs: int, before: Callable[[], None]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (CPU shows what other load on the box costs)."""
    walls, cpus = [], []
    for _ in range(runs):
        before()
        started, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def child_peak_mb(directory: Path, path: Path) -> float:
    """Peak RSS of a fresh process doing one import (so earlier runs do not count)."""
    env = dict(os.environ)
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(directory), str(path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(output.strip().splitlines()[-1])


def child(directory: Path, path: Path) -> None:
    configure(directory)
    truncate()
    pipeline_import(path)
    # ru_maxrss is in kilobytes on Linux.
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-") as name:
        directory = Path(name)
        configure(directory)
        migrate_and_seed()
        path = directory / "assets.csv"
        make_file(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        walls, cpus = timed(lambda: baseline_import(path), args.runs, truncate)
        baseline, baseline_cpu = statistics.median(walls), statistics.median(cpus)
        summary: dict = {}

        def full() -> None:
            summary.update(pipeline_import(path))

        walls, cpus = timed(full, args.runs, truncate)
        imported, imported_cpu = statistics.median(walls), statistics.median(cpus)
        assert summary["created"] == args.rows, summary
        summary.clear()
        walls, cpus = timed(full, args.runs, lambda: None)
        reimport, reimport_cpu = statistics.median(walls), statistics.median(cpus)
        assert summary["unchanged"] == args.rows and summary["created"] == 0, summary
        peak = child_peak_mb(directory, path)
    ratio = imported / baseline
    checks = [
        ("import (median)", f"{imported:.2f} s", IMPORT_LIMIT_S, imported, "s"),
        ("  CPU time of the import", f"{imported_cpu:.2f} s", None, imported_cpu, "s"),
        ("baseline (median)", f"{baseline:.2f} s", None, baseline, "s"),
        ("  CPU time of the baseline", f"{baseline_cpu:.2f} s", None, baseline_cpu, "s"),
        ("ratio import / baseline", f"{ratio:.2f} x", RATIO_LIMIT, ratio, "x"),
        ("re-import unchanged (median)", f"{reimport:.2f} s", REIMPORT_LIMIT_S, reimport, "s"),
        ("  CPU time of the re-import", f"{reimport_cpu:.2f} s", None, reimport_cpu, "s"),
        ("peak memory (child RSS)", f"{peak:.0f} MB", MEMORY_LIMIT_MB, peak, "MB"),
    ]
    print(f"file: {args.rows:,} rows x {len(HEADERS)} columns, {size_mb:.1f} MB; {args.runs} runs")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'measure':<32}{'value':>12}  {'target':<10}result")
    failed = []
    for label, shown, limit, value, unit in checks:
        target = f"≤ {limit:.0f} {unit}" if limit is not None else ""
        result = "" if limit is None else verdict(value <= limit)
        if limit is not None and value > limit:
            failed.append(label)
        print(f"{label:<32}{shown:>12}  {target:<10}{result}")
    print("FAIL: " + ", ".join(failed) if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

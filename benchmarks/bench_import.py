"""Benchmark: importing 100,000 assets through the full pipeline against a raw baseline.

Standalone: ``.venv/bin/python benchmarks/bench_import.py [--rows N] [--runs R]``. It sets
up Django itself on a throw-away SQLite file (KRETSLOPP_DATABASE_URL and KRETSLOPP_VAR_DIR
point into a temporary directory), migrates, creates 14 departments and a small catalogue,
and writes a 100,000-row CSV in our own export format. Then, in the same run:

* **baseline** — ``csv.reader`` + one prepared ``INSERT`` through ``executemany`` of the same
  asset rows in one transaction: no validation, no events, no audit (median of R, the assets
  truncated before each; each baseline run is followed by an import run, so both see the
  same load). ``--bulk-create`` also times ``Asset`` objects + ``bulk_create``
  once, for information: it is far slower than the pipeline, so it is no baseline;
* **import** — the full pipeline: read, map, validate, plan, write assets, lifecycle events
  and audit entries in one transaction (median of R, truncated before each);
* **re-import** — the same file again onto the imported assets: every row unchanged;
* **peak memory** — the maximum resident set size of a child process doing one import.

It prints the load average (a busy machine stretches wall-clock times, not CPU times), a
table with PASS/FAIL against the requirements, and exits 1 on any FAIL.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
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
# Goals for the CPU time alone, so that the wall-clock limits hold on a busy machine too.
IMPORT_CPU_GOAL_S = 6.0
REIMPORT_CPU_GOAL_S = 3.0

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
    from kretslopp.imports.models import ImportFingerprint, ImportJob
    from kretslopp.inventory.models import Asset, LifecycleEvent

    with connection.cursor() as cursor:
        for model in (LifecycleEvent, AuditEntry, ImportFingerprint, Asset, ImportJob):
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


def _catalogue_ids() -> tuple[dict, dict, dict]:
    """Model, department and location ids by the names the file uses (read once per run)."""
    from kretslopp.inventory.models import ProductModel
    from kretslopp.organisation.models import Department, Location

    models = {
        (maker, name): pk
        for pk, maker, name in ProductModel.objects.values_list("pk", "manufacturer__name", "name")
    }
    departments = dict(Department.objects.values_list("code", "pk"))
    locations = dict(Location.objects.values_list("name", "pk"))
    return models, departments, locations


STATUSES = {"In use": "in_use", "In stock": "in_stock", "Returned": "returned"}
BASELINE_COLUMNS = (
    "asset_tag", "serial_number", "model_id", "department_id", "location_id", "purchase_date",
    "delivery_date", "in_use_date", "purchase_price_sek", "supplier", "order_number",
    "warranty_end", "planned_end_of_life", "has_storage", "status", "notes",
    "status_changed_at", "created_at", "updated_at",
)  # fmt: skip


def baseline_import(path: Path) -> int:
    """``csv.reader`` + one prepared INSERT through ``executemany``: the least an import does.

    The same asset rows the pipeline writes, in one transaction, with the fastest plain
    method: names become ids through dictionaries, ISO dates and prices go to SQLite as the
    text they are, and nothing is validated, audited or logged.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from kretslopp.inventory.models import Asset

    models, departments, locations = _catalogue_ids()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ", ".join(BASELINE_COLUMNS)
    marks = ", ".join(["%s"] * len(BASELINE_COLUMNS))
    sql = f"INSERT INTO {Asset._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608
    count = 0
    with transaction.atomic(), path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        with connection.cursor() as cursor:
            while batch := [_baseline_row(cells, models, departments, locations, now)
                            for cells in itertools.islice(reader, 10_000)]:  # fmt: skip
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def _baseline_row(cells: list[str], models: dict, departments: dict, locations: dict, now: str):
    return (
        cells[0], cells[1], models[(cells[2], cells[3])], departments[cells[5]],
        locations[cells[6]], cells[7], cells[8], cells[9], cells[10], cells[11], cells[12],
        cells[13], cells[14], cells[15] == "true", STATUSES[cells[16]], cells[17], now, now, now,
    )  # fmt: skip


def bulk_create_import(path: Path) -> int:
    """The same rows through ``Asset`` objects and ``bulk_create`` (for information only)."""
    from django.db import transaction

    from kretslopp.inventory.models import Asset

    models, departments, locations = _catalogue_ids()
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
                    model_id=models[(cells[2], cells[3])],
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
                    status=STATUSES[cells[16]],
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
    parser.add_argument(
        "--bulk-create", action="store_true", help="also time bulk_create (information only)"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-") as name:
        directory = Path(name)
        configure(directory)
        migrate_and_seed()
        path = directory / "assets.csv"
        make_file(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        measured = measure(path, args.rows, args.runs, bulk=args.bulk_create)
        measured["peak"] = child_peak_mb(directory, path)
    print(f"file: {args.rows:,} rows x {len(HEADERS)} columns, {size_mb:.1f} MB; {args.runs} runs")
    print(
        f"load average: {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, "
        f"on {os.cpu_count()} CPUs (CPU times are what the import itself cost)"
    )
    failed = report(measured)
    print("FAIL: " + ", ".join(failed) if failed else "PASS")
    return 1 if failed else 0


def measure(path: Path, rows: int, runs: int, *, bulk: bool) -> dict[str, float]:
    """Medians of wall-clock and CPU seconds of the baseline, the import and the re-import.

    Baseline and import runs alternate, so that a change in the machine's other load
    during the benchmark stretches both sides of the ratio alike rather than one of them.
    """
    measured: dict[str, float] = {}
    summary: dict = {}

    def full() -> None:
        summary.update(pipeline_import(path))

    pairs = [
        (timed(lambda: baseline_import(path), 1, truncate), timed(full, 1, truncate))
        for _run in range(runs)
    ]
    for position, name in enumerate(("baseline", "import")):
        measured[name] = statistics.median(pair[position][0][0] for pair in pairs)
        measured[f"{name}_cpu"] = statistics.median(pair[position][1][0] for pair in pairs)
    assert summary["created"] == rows, summary
    if bulk:
        walls, cpus = timed(lambda: bulk_create_import(path), 1, truncate)
        measured["bulk"], measured["bulk_cpu"] = walls[0], cpus[0]
        truncate()
        full()
    summary.clear()
    walls, cpus = timed(full, runs, lambda: None)
    measured["reimport"], measured["reimport_cpu"] = (
        statistics.median(walls),
        statistics.median(cpus),
    )
    assert summary["unchanged"] == rows and summary["created"] == 0, summary
    return measured


def report(m: dict[str, float]) -> list[str]:
    """Print the table; returns the labels of the requirements that failed.

    The CPU goals are not requirements: they show whether a wall-clock FAIL is the import's
    own cost or a busy machine's.
    """
    ratio = m["import"] / m["baseline"]
    rows: list[tuple[str, str, str, bool | None, bool]] = [
        row("import (median)", m["import"], "s", IMPORT_LIMIT_S),
        row("  CPU time of the import", m["import_cpu"], "s", IMPORT_CPU_GOAL_S, goal=True),
        row("baseline: csv + executemany", m["baseline"], "s"),
        row("  CPU time of the baseline", m["baseline_cpu"], "s"),
        row("ratio import / baseline", ratio, "x", RATIO_LIMIT),
        row("re-import unchanged (median)", m["reimport"], "s", REIMPORT_LIMIT_S),
        row("  CPU time of the re-import", m["reimport_cpu"], "s", REIMPORT_CPU_GOAL_S, goal=True),
        row("peak memory (child RSS)", m["peak"], "MB", MEMORY_LIMIT_MB),
    ]
    if "bulk" in m:
        rows.insert(4, row("(info) bulk_create, 1 run", m["bulk"], "s"))
        rows.insert(5, row("  CPU time of bulk_create", m["bulk_cpu"], "s"))
    print(f"{'measure':<32}{'value':>12}  {'target':<14}result")
    failed = []
    for label, shown, target, ok, goal in rows:
        result = "" if ok is None else ("ok" if ok else "over") if goal else verdict(ok)
        if ok is False and not goal:
            failed.append(label)
        print(f"{label:<32}{shown:>12}  {target:<14}{result}")
    return failed


def row(
    label: str, value: float, unit: str, limit: float | None = None, *, goal: bool = False
) -> tuple[str, str, str, bool | None, bool]:
    """One line of the table: label, value shown, target shown, within it?, only a goal?"""
    shown = f"{value:.0f} {unit}" if unit == "MB" else f"{value:.2f} {unit}"
    if limit is None:
        return label, shown, "", None, goal
    target = f"{'goal ' if goal else ''}≤ {limit:g} {unit}"
    return label, shown, target, value <= limit, goal


if __name__ == "__main__":
    raise SystemExit(main())

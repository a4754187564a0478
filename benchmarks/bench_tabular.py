"""Benchmark: reading a 100,000-row × 20-column CSV with open_table vs a bare csv.reader.

Run with ``.venv/bin/python benchmarks/bench_tabular.py``. The file is a realistic
semicolon-separated, cp1252 asset export (Swedish Excel's format, with decimal commas and
å ä ö), so the measurement includes encoding and delimiter detection. Prints the median of
five runs for each reader, their ratio, and the peak memory of one open_table pass.
"""

from __future__ import annotations

import csv
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kretslopp.tabular import open_table  # noqa: E402

ROWS = 100_000
RUNS = 5
HEADERS = [
    "Inventarienummer", "Serienummer", "Tillverkare", "Modell", "Modellnummer", "Kategori",
    "Förvaltning", "Plats", "Användare", "Inköpsdatum", "Leveransdatum", "Driftsättning",
    "Inköpspris (kr)", "Leverantör", "Ordernummer", "Garanti till", "Planerat slut",
    "Lagring", "Status", "Anteckningar",
]  # fmt: skip
MODELS = [
    ("Dell", "Latitude 5420", "Bärbar dator"),
    ("HP", "EliteBook 840 G8", "Bärbar dator"),
    ("Lenovo", "ThinkPad T14 Gen 2", "Bärbar dator"),
    ("Apple", "iPhone 12", "Mobiltelefon"),
    ("Dell", "OptiPlex 7090", "Stationär dator"),
    ("Dell", "P2422H", "Bildskärm"),
]
DEPARTMENTS = ["Stadsbyggnadskontoret", "Fritidsförvaltningen", "Miljöförvaltningen"]


def make_file(path: Path) -> None:
    """Write the test file: semicolon, cp1252, decimal comma, like Swedish Excel."""
    rng = random.Random(2020)
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for number in range(ROWS):
            maker, model, category = rng.choice(MODELS)
            writer.writerow([
                f"MLM-{number:06d}", f"SN{rng.randrange(10**9):09d}", maker, model,
                f"{model[:3].upper()}-{rng.randrange(1000)}", category,
                rng.choice(DEPARTMENTS), "Stadshuset, plan 3", f"användare{number % 5000}",
                "2021-03-04", "2021-03-11", "2021-04-01",
                f"{rng.randrange(2000, 20000)},{rng.randrange(100):02d}", "Atea Sverige AB",
                f"PO-{rng.randrange(10**6)}", "2024-03-04", "2026-03-04", "ja", "I bruk",
                "Leverans \"A\"; kontrollerad" if number % 10 == 0 else "",
            ])  # fmt: skip


def read_with_open_table(path: Path) -> int:
    return sum(1 for _ in open_table(path).rows())


def read_with_csv_reader(path: Path) -> int:
    with path.open(encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        return sum(1 for _ in reader)


def median_seconds(function: Callable[[Path], int], path: Path) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        count = function(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def peak_memory(path: Path) -> int:
    tracemalloc.start()
    read_with_open_table(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "assets.csv"
        make_file(path)
        size_mb = path.stat().st_size / 1e6
        table = open_table(path)
        ours, our_rows = median_seconds(read_with_open_table, path)
        bare, bare_rows = median_seconds(read_with_csv_reader, path)
        peak = peak_memory(path)
    assert our_rows == bare_rows == ROWS, (our_rows, bare_rows)
    print(f"file: {ROWS:,} rows x {len(HEADERS)} columns, {size_mb:.1f} MB, {table!r}")
    print(f"{'reader':<28}{'median of ' + str(RUNS):>14}{'rows/s':>14}")
    for label, seconds in (("open_table().rows()", ours), ("bare csv.reader", bare)):
        print(f"{label:<28}{seconds:>12.3f} s{ROWS / seconds:>14,.0f}")
    print(f"{'ratio open_table / csv':<28}{ours / bare:>12.2f} x")
    print(f"peak traced memory (open_table pass): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

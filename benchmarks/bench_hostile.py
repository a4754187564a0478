"""Benchmark: hostile files are refused in bounded memory; the check costs a legitimate file little.

Run with ``.venv/bin/python benchmarks/bench_hostile.py [--compare-unguarded]``. Plain Python
(no Django): it reads files with :func:`kretslopp.tabular.open_table` under the limits the
application uses by default (``KRETSLOPP_IMPORT_MAX_*``), each in a child process whose
peak resident memory (``VmHWM``) is reported:

* **the hostile corpus** (:mod:`kretslopp.tabular.tests.hostile`): zip bombs of each kind,
  huge cells, far too many rows, columns or archive members — each must end in its refusal,
  in a child limited to 600 MB of address space, within the memory goal;
* **a legitimate 100,000-row × 25-column XLSX** (written by xlsxwriter as Excel would): the
  archive check alone, the whole read, and calamine alone without the check, so the cost of
  the check shows as a ratio;
* **a 16-million-cell XLSX** (640,000 rows × 25 columns): refused by the row limit before
  calamine loads it. ``--compare-unguarded`` also has calamine load it without the check,
  for the peak the check avoids (about 1.2 GB).

Prints a table with PASS/FAIL and exits 1 on any FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kretslopp.tabular.tests import hostile  # noqa: E402

MEMORY_GOAL_MB = 600
CEILING_MB = 600
# The application's defaults (kretslopp/settings.py, KRETSLOPP_IMPORT_MAX_*).
LIMITS = {
    "max_rows": 300_000,
    "max_columns": 1_000,
    "max_cells": 6_000_000,
    "max_cell_chars": 32_767,
    "max_uncompressed_bytes": 256 * 1024 * 1024,
    "max_compression_ratio": 100,
    "max_file_bytes": 100 * 1024 * 1024,
}
CORPUS = {
    "blank space in sheetData, 4 GB unpacked": (hostile.blank_space_bomb, "xlsx"),
    "blank space, 200 MB unpacked": (lambda: hostile.blank_space_bomb(200), "xlsx"),
    "lying header (declares 100 KB, holds 2 GB)": (hostile.lying_header_bomb, "xlsx"),
    "one inline-string cell of 2 GB": (hostile.huge_inline_cell, "xlsx"),
    "one shared string of 2 GB": (hostile.huge_shared_string, "xlsx"),
    "two cells, A1 and ZZ500000": (hostile.far_apart_cells, "xlsx"),
    "2,000 columns": (lambda: hostile.many_columns(2_000), "xlsx"),
    "70,000 archive members": (hostile.many_members, "xlsx"),
    "entity expansion (billion laughs)": (hostile.entity_expansion, "xlsx"),
    "zip bomb inside a workbook (never unpacked)": (hostile.nested_bomb, "xlsx"),
    "CSV cell of 100,000 characters (UTF-16)": (
        lambda: hostile.huge_csv_cell(encoding="utf-16"),
        "csv",
    ),
    "CSV line of 50 MB without a line break": (hostile.endless_csv_line, "csv"),
    "CSV of 300,001 rows": (lambda: hostile.many_csv_rows(300_001), "csv"),
    "CSV of 120 MB": (lambda: hostile.many_csv_rows(10_000_000), "csv"),
}

CHILD = """
import json, resource, sys, time
if sys.argv[3] != "0":
    ceiling = int(sys.argv[3]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
from kretslopp.tabular import TabularError, open_table
from kretslopp.tabular.limits import ReadLimits
mode, path = sys.argv[1], sys.argv[2]
limits = ReadLimits(**json.loads(sys.argv[4]))
start = time.perf_counter()
if mode == "check":
    from kretslopp.tabular.archive import check_xlsx
    with open(path, "rb") as stream:
        check_xlsx(stream, "file", limits)
    outcome = "passed the check"
elif mode == "calamine":
    import python_calamine
    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    outcome = f"{sum(1 for _ in sheet.iter_rows()) - 1} rows"
else:
    try:
        outcome = f"{sum(1 for _ in open_table(path, limits=limits).rows())} rows"
    except TabularError as error:
        outcome = error.code
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(json.dumps([outcome, seconds, usage.ru_utime + usage.ru_stime, peak]))
"""


def measure(mode: str, path: Path, ceiling_mb: int = CEILING_MB) -> tuple[str, float, float, float]:
    """(outcome, wall seconds, CPU seconds, peak MB) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(ceiling_mb), json.dumps(LIMITS)],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"CRASHED ({done.returncode}): {tail[:60]}", 0.0, 0.0, 0.0
    outcome, seconds, cpu, peak = json.loads(done.stdout)
    return outcome, seconds, cpu, peak


def legitimate_workbook(path: Path, rows: int = 100_000, columns: int = 25) -> None:
    """An asset list as Excel users send it: tags, numbers, names, serials, dates."""
    import xlsxwriter

    rng = random.Random(2026)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Tillgångar")
    sheet.write_row(0, 0, [f"Kolumn {n}" for n in range(columns)])
    makers = ["Dell", "HP", "Lenovo", "Apple"]
    for row in range(1, rows + 1):
        values: list[object] = []
        for column in range(columns):
            kind = column % 5
            if kind == 0:
                values.append(f"MS-{row:07d}")
            elif kind == 1:
                values.append(rng.randrange(100_000) / 100)
            elif kind == 2:
                values.append(makers[rng.randrange(4)])
            elif kind == 3:
                values.append(f"SN{rng.randrange(10**9)}")
            else:
                values.append("2021-03-04")
        sheet.write_row(row, 0, values)
    book.close()


def dense_workbook(path: Path, rows: int, columns: int) -> None:
    """``rows`` × ``columns`` small numbers, streamed into the archive (16 million cells)."""
    source = Path(path.with_suffix(".seed.xlsx"))
    source.write_bytes(hostile.small_good_workbook())
    with zipfile.ZipFile(source) as seed, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in seed.infolist():
            if not member.filename.endswith("sheet1.xml"):
                out.writestr(member.filename, seed.read(member))
        letters = [hostile._column(n + 1) for n in range(columns)]
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(hostile.SHEET_START)
            for start in range(1, rows + 1, 10_000):
                block = []
                for row in range(start, min(start + 10_000, rows + 1)):
                    cells = "".join(f'<c r="{c}{row}"><v>{row % 97}</v></c>' for c in letters)
                    block.append(f'<row r="{row}">{cells}</row>')
                sheet.write("".join(block).encode())
            sheet.write(hostile.SHEET_END)
    source.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare-unguarded", action="store_true")
    args = parser.parse_args()
    ok = True
    print(f"{'file':48} {'outcome':26} {'wall':>7} {'peak':>8}  result")
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, (build, kind)) in enumerate(CORPUS.items()):
            path = Path(folder) / f"{number}.{kind}"
            path.write_bytes(build())
            outcome, seconds, _cpu, peak = measure("read", path)
            refused = " " not in outcome or "inside a workbook" in name  # a code, not "3 rows"
            good = refused and not outcome.startswith("CRASHED") and peak <= MEMORY_GOAL_MB
            ok &= good
            print(f"{name:48} {outcome:26} {seconds:6.2f}s {peak:6.0f} MB  "
                  f"{'PASS' if good else 'FAIL'}")  # fmt: skip
            path.unlink()

        legitimate = Path(folder) / "legitimate.xlsx"
        legitimate_workbook(legitimate)
        size = legitimate.stat().st_size / 1e6
        check = measure("check", legitimate, 0)
        whole = measure("read", legitimate, 0)
        bare = measure("calamine", legitimate, 0)
        print(f"\nlegitimate XLSX, 100,000 rows x 25 columns ({size:.1f} MB):")
        for label, (outcome, seconds, cpu, peak) in (
            ("archive check alone", check),
            ("open_table: check + calamine + rows", whole),
            ("calamine alone, no check", bare),
        ):
            print(f"  {label:38} {outcome:18} {seconds:6.2f}s wall {cpu:6.2f}s CPU {peak:6.0f} MB")
        good = whole[0] == "100000 rows" and whole[3] <= MEMORY_GOAL_MB
        ok &= good
        print(f"  check / calamine CPU: {check[2] / max(bare[2], 1e-9):.2f}x; "
              f"whole read within {MEMORY_GOAL_MB} MB: {'PASS' if good else 'FAIL'}")  # fmt: skip
        legitimate.unlink()

        dense = Path(folder) / "dense.xlsx"
        dense_workbook(dense, 640_000, 25)
        size = dense.stat().st_size / 1e6
        outcome, seconds, _cpu, peak = measure("read", dense)
        good = " " not in outcome and peak <= MEMORY_GOAL_MB  # refused, whichever limit
        ok &= good
        print(f"\n16-million-cell XLSX ({size:.0f} MB): {outcome} after {seconds:.2f}s, "
              f"peak {peak:.0f} MB: {'PASS' if good else 'FAIL'}")  # fmt: skip
        if args.compare_unguarded:
            outcome, seconds, _cpu, peak = measure("calamine", dense, 0)
            print(f"  without the check, calamine: {outcome} after {seconds:.2f}s, "
                  f"peak {peak:.0f} MB")  # fmt: skip
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    start = time.perf_counter()
    status = main()
    print(f"({time.perf_counter() - start:.0f} s)")
    sys.exit(status)

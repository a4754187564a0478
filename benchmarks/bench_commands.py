"""Benchmark: how long a ``kretslopp`` command takes, start to finish, for a small job.

``.venv/bin/python benchmarks/bench_commands.py [--runs R]``. Sets up a throw-away SQLite
database in a temporary directory (migrated, 14 departments, a small catalogue) and a
100-row CSV in our own export format, then runs ``kretslopp import assets FILE`` as a
person would — a fresh process each time, through the installed ``kretslopp`` command —
R times, emptying the imported assets before each run so that every run creates 100
assets. One untimed run goes first and the children may write bytecode caches (even where
``PYTHONDONTWRITEBYTECODE`` is set): an installed package has its modules compiled when it
is installed, so compiling them is no part of a command's start.

Prints the median wall-clock time (what the person waits), the children's CPU time beside
it (what a busy machine cannot stretch), the interpreter's bare start as a floor, and
PASS/FAIL against issue 16's target: ≤ 1 s. Exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_import  # noqa: E402

ROWS = 100
LIMIT_S = 1.0


def command() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m kretslopp``."""
    script = Path(sys.executable).parent / "kretslopp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kretslopp"]


def timed_run(arguments: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one child process; fails loudly if the child does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(arguments, env=environment, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-") as name:
        directory = Path(name)
        bench_import.configure(directory, "sqlite")
        bench_import.migrate_and_seed()
        path = directory / "assets.csv"
        bench_import.make_file(path, ROWS)
        environment = dict(os.environ)  # configure() set the database and var directory
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        timed_run([*command(), "import", "assets", str(path)], environment)  # compiles
        walls, cpus = [], []
        for _run in range(args.runs):
            bench_import.truncate()
            wall, cpu = timed_run([*command(), "import", "assets", str(path)], environment)
            walls.append(wall)
            cpus.append(cpu)
        floors = [timed_run([sys.executable, "-c", "pass"], environment)[0] for _ in range(3)]
    median = statistics.median(walls)
    print(f"kretslopp import assets, {ROWS} rows, SQLite; median of {args.runs} runs")
    print(
        f"load average: {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"{'measure':<34}{'value':>10}  {'target':<10}result")
    ok = median <= LIMIT_S
    print(f"{'wall clock (median)':<34}{median:>8.2f} s  {'≤ 1 s':<10}{'PASS' if ok else 'FAIL'}")
    print(f"{'  CPU time (median)':<34}{statistics.median(cpus):>8.2f} s")
    print(f"{'  python -c pass (median)':<34}{statistics.median(floors):>8.2f} s")
    print("PASS" if ok else "FAIL: kretslopp import assets of 100 rows")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

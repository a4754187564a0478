"""Benchmark: loading a region-sized demo city (1,000,000 assets) into PostgreSQL.

``.venv/bin/python benchmarks/bench_demo.py [--assets N] [--with-import]``

Issue 16, point 6: ``kretslopp demo --assets 1000000`` loads on PostgreSQL in ≤ 5 minutes.
The database ``KRETSLOPP_BENCH_DEMO_URL`` names (default
``postgres://postgres@127.0.0.1:5432/kretslopp_bench_demo``) is dropped and created afresh,
migrated, loaded once in a fresh process (what ``kretslopp demo`` runs: people, catalogue,
assets with their lifecycle events and audit entries, the take-back, energy, forum,
procurement and exchange demos, then the planner's statistics) and dropped again.

Prints the load average at the start and the end, the load's wall-clock time with PASS/FAIL
against ≤ 300 s, the CPU time of the loading process and of its PostgreSQL server process
(a busy machine stretches the wall clock, not these), the peak memory (RSS) of the loading
process, and the rows it wrote. ``--with-import`` then runs the 1,000,000-row import section
of ``bench_import.py`` (≤ 90 s, ≤ 600 MB), so one command shows both region-sized writes.
Exits 1 on any FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_import  # noqa: E402  (the PostgreSQL server's CPU time, read from /proc)

POSTGRES_URL = os.environ.get(
    "KRETSLOPP_BENCH_DEMO_URL", "postgres://postgres@127.0.0.1:5432/kretslopp_bench_demo"
)
ASSETS = 1_000_000
#: Issue 16, point 6: a region-sized demo loads on PostgreSQL in at most five minutes.
LOAD_LIMIT_S = 300.0


def _maintenance(statement: str) -> None:
    """Run ``statement`` on the server's maintenance database (to create or drop ours)."""
    import psycopg

    server = urlsplit(POSTGRES_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(statement)


def _database_name() -> str:
    name = urlsplit(POSTGRES_URL).path.lstrip("/")
    if name in {"", "kretslopp", "postgres"}:
        raise SystemExit(f"refusing to use {name!r} as the throw-away bench database")
    return name


def environment() -> dict[str, str]:
    return dict(
        os.environ,
        KRETSLOPP_DATABASE_URL=POSTGRES_URL,
        KRETSLOPP_HTTPS="0",
        DJANGO_SETTINGS_MODULE="kretslopp.settings",
    )


def child(assets: int) -> None:
    """Load the demo in this (fresh) process; print wall, CPU, server CPU, peak RSS, counts."""
    import django

    django.setup()
    from kretslopp.demo import loader

    server = bench_import.server_cpu_s()
    started, cpu = time.perf_counter(), time.process_time()
    result = loader.load(assets=assets, seed=1)
    measured = {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "server": bench_import.server_cpu_s() - server,
        # ru_maxrss is in kilobytes on Linux.
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "counts": result.counts,
    }
    print(json.dumps(measured))


def measure(assets: int) -> dict:
    """Wall, CPU, server CPU, peak RSS and counts of one load into a fresh database."""
    name = _database_name()
    try:
        _maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _maintenance(f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001 - any reason the server is not there
        message = f"FAIL: no PostgreSQL server for the benchmark at {POSTGRES_URL}: {error}"
        raise SystemExit(message) from error
    try:
        subprocess.run(
            [sys.executable, "-m", "kretslopp", "migrate", "--verbosity", "0"],
            env=environment(),
            cwd=ROOT,
            check=True,
        )
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--assets", str(assets)],
            env=environment(),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"the demo load failed ({done.returncode}):\n{done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        _maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row(label: str, shown: str, target: str = "", ok: bool | None = None) -> bool:
    result = "" if ok is None else ("PASS" if ok else "FAIL")
    print(f"{label:<40}{shown:>14}  {target:<12}{result}")
    return ok is not False


def report(m: dict, assets: int) -> bool:
    counts = m["counts"]
    print(f"{'measure':<40}{'value':>14}  {'target':<12}result")
    ok = row(
        f"demo load, {assets:,} assets, 1 run",
        f"{m['wall']:.1f} s",
        f"≤ {LOAD_LIMIT_S:g} s",
        m["wall"] <= LOAD_LIMIT_S,
    )
    row("  CPU time of the loading process", f"{m['cpu']:.1f} s")
    row("  CPU time of its PostgreSQL process", f"{m['server']:.1f} s")
    row("peak memory (loading process RSS)", f"{m['peak']:.0f} MB")
    for key in ("assets", "lifecycle_events", "people", "takeback_items"):
        row(f"  rows: {key}", f"{counts.get(key, 0):,}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=ASSETS)
    parser.add_argument(
        "--with-import",
        action="store_true",
        help="also run bench_import.py's 1,000,000-row PostgreSQL section",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.assets)
        return 0
    load_before = os.getloadavg()[0]
    measured = measure(args.assets)
    print(f"postgresql: kretslopp demo --assets {args.assets}, 1 run in a fresh process")
    print(
        f"load average: {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, "
        f"on {os.cpu_count()} CPUs (CPU times are what the load itself cost)"
    )
    ok = report(measured, args.assets)
    print("PASS" if ok else "FAIL: demo load")
    if args.with_import:
        print("-- bench_import.py --engine large", flush=True)
        command = [sys.executable, str(ROOT / "benchmarks" / "bench_import.py"), "--engine"]
        ok = subprocess.run([*command, "large"], check=False).returncode == 0 and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

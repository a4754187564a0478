"""Benchmark: the dashboards at 10,000 and at 100,000 assets, under 8 concurrent clients.

The product's quality bar: a dashboard's p95 ≤ 300 ms with 100,000 assets and 8 concurrent
clients, and no more than 2× its time at 10,000 assets. For each fleet size a child process
loads the demo city with that many assets into a throw-away SQLite database (the same
generator as ``kretslopp demo``), serves it in-process (a threading WSGI server on
127.0.0.1, a random port) and lets 8 clients, each logged in through the login form as the
demo's sustainability lead, fetch each dashboard ``--requests`` times (the helpers of
:mod:`bench_energy`). Measured pages: the overview (``/``), the energy dashboard
(``/energy/``), the asset list, a search by the beginning of a serial number, an asset's
page and the largest department's page (see :func:`paths`).

Prints per page the median and p95 at both sizes, the queries one request asks (which must
not grow with the fleet), the ratio of the p95s, PASS/FAIL, and exits 1 on any FAIL.
``--existing DATABASE_URL`` times a city already loaded there instead (one size; used for
the million-asset city on PostgreSQL, which takes minutes to load).

    .venv/bin/python benchmarks/bench_dashboards.py [--requests N] [--small N] [--large N]
    .venv/bin/python benchmarks/bench_dashboards.py --existing postgres://…/db [--requests N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_energy  # noqa: E402  (the demo loader, the server and the clients)

RATIO_LIMIT = 2.0
#: label → (p95 limit in ms, text only the complete page holds). The dashboards keep the
#: bar of their own issue (300 ms); the register's pages that of the scale issue (200 ms).
PAGES = {
    # The start page: the target and CO2e charts, take-back, devices due (issue #15).
    "overview": (300.0, b'id="devices-due"'),
    "energy": (300.0, b"target-chart"),
    "assets": (200.0, b'id="results"'),
    "search": (200.0, b'id="results"'),
    "asset": (200.0, b'id="timeline"'),
    "department": (200.0, b'id="main"'),
}


def paths() -> dict[str, str]:
    """Each page's address in the loaded city.

    The search types the beginning of a serial number that several assets share (a list,
    not the one-hit jump); the asset page shows the middle asset; the department page is
    that of the department with the most assets.
    """
    from django.db.models import Count

    from kretslopp.inventory.models import Asset
    from kretslopp.organisation.models import Department

    middle = Asset.objects.order_by("pk")[Asset.objects.count() // 2]
    largest = Department.objects.annotate(n=Count("assets")).order_by("-n").first()
    prefix = next(  # the longest beginning (at most six characters) shared with another asset
        middle.serial_number[:length]
        for length in range(6, 0, -1)
        if Asset.objects.filter(serial_number__startswith=middle.serial_number[:length]).count() > 1
    )
    return {
        "overview": "/",
        "energy": "/energy/",
        "assets": "/assets/",
        "search": f"/assets/?q={prefix}&custody=all",
        "asset": f"/assets/{middle.pk}/",
        "department": f"/departments/{largest.code}/",
    }


def child(assets: int, requests: int) -> dict:
    """Load a city of ``assets`` assets, then time every page; returns the latencies."""
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-dash-") as tmp:
        bench_energy.configure(Path(tmp))
        load_s = bench_energy.load_city(assets)
        return {"load_s": load_s, **measure_pages(requests)}


def measure_pages(requests: int) -> dict:
    """Every page's latencies under the clients, then how many queries one request asks."""
    server, port = bench_energy.serve()
    try:
        found = paths()
        latencies = {
            label: bench_energy.bench_dashboard(port, requests, path, PAGES[label][1])
            for label, path in found.items()
        }
    finally:
        server.shutdown()
    return {"latencies": latencies, "queries": query_counts(found)}


def query_counts(found: dict[str, str]) -> dict[str, int]:
    """The queries one request of each page asks, remembered aggregates warm (Django's test
    client in this process, logged in as the clients are)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=bench_energy.DEMO_USER))
    counts = {}
    for label, path in found.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[label] = len(queries.captured_queries)
    return counts


def existing(url: str, requests: int) -> int:
    """Time the pages of a city already loaded at ``url`` (``kretslopp demo --assets N``
    into a PostgreSQL database, say), one size only: p95s and query counts, no ratio."""
    os.environ["KRETSLOPP_DATABASE_URL"] = url
    os.environ["KRETSLOPP_HTTPS"] = "0"
    os.environ["KRETSLOPP_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    import django

    django.setup()
    from kretslopp.inventory.models import Asset

    load_start = os.getloadavg()[0]
    result = measure_pages(requests)
    print(
        f"{Asset.objects.count():,} assets at {url.split('@')[-1]}; load average at start "
        f"{load_start:.1f}, at end {os.getloadavg()[0]:.1f}; {bench_energy.CLIENTS} clients x "
        f"{requests} requests"
    )
    print(f"{'page':<12}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
    for label, values in result["latencies"].items():
        print(
            f"{label:<12}{statistics.median(values):>11.0f}{bench_energy.p95(values):>9.0f}"
            f"{result['queries'][label]:>9}"
        )
    return 0


def measure(assets: int, requests: int) -> dict:
    """One fresh process per fleet size: Django reads its database settings once."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(assets), "--requests", str(requests)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=25, help="per client and page")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--existing", metavar="DATABASE_URL", help="time an already loaded city, one size"
    )
    args = parser.parse_args()
    if args.existing:
        return existing(args.existing, args.requests)
    if args.child:
        print(json.dumps(child(args.child, args.requests)))
        return 0
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    small, large = measure(args.small, args.requests), measure(args.large, args.requests)
    print(
        f"demo cities loaded: {args.small:,} assets in {small['load_s']:.1f} s, "
        f"{args.large:,} assets in {large['load_s']:.1f} s; whole run "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, load average at start {load_start:.1f}, at end "
        f"{os.getloadavg()[0]:.1f}; {bench_energy.CLIENTS} clients x {args.requests} requests"
    )
    header = (
        f"{'page':<12}{'assets':>9}{'median ms':>11}{'p95 ms':>9}{'queries':>9}  "
        f"{'limit':<18}verdict"
    )
    print(header)
    failed = False
    for path, (limit_ms, _marker) in PAGES.items():
        p95s = {}
        for label, size, result in (("small", args.small, small), ("large", args.large, large)):
            values = result["latencies"][path]
            p95s[label] = bench_energy.p95(values)
            ok = label == "small" or p95s[label] <= limit_ms
            limit = "" if label == "small" else f"p95 <= {limit_ms:.0f} ms"
            verdict = "" if label == "small" else ("PASS" if ok else "FAIL")
            failed |= not ok
            print(
                f"{path:<12}{size:>9,}{statistics.median(values):>11.0f}{p95s[label]:>9.0f}"
                f"{result['queries'][path]:>9}  {limit:<18}{verdict}"
            )
        # A page whose queries grow with the fleet fails, however fast it is today.
        grows = large["queries"][path] > small["queries"][path]
        failed |= grows
        if grows:
            print(f"{path:<12}{'queries':>9} grow with the fleet{'':>22}FAIL")
        ratio = p95s["large"] / p95s["small"]
        ok = ratio <= RATIO_LIMIT
        failed |= not ok
        print(
            f"{path:<12}{'ratio':>9}{'':>11}{ratio:>8.2f}x{'':>9}  {f'<= {RATIO_LIMIT:g}x':<18}"
            f"{'PASS' if ok else 'FAIL'}"
        )
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

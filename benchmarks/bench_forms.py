"""Benchmark: the asset edit form and the people search behind its assignee field.

The assignee field once listed every person as an option (26,001 options, 1.2 MB, about 3 s
to serve). Now the page carries no list at all and the field asks a search as one types. The
bar: each p95 ≤ 300 ms with 8 concurrent clients at the demo city's 26,000 people.

A child process loads the demo city (``--assets`` assets; the people scale with them, 26,000
at the default 60,000) into a throw-away SQLite database, serves it in-process (a threading
WSGI server on 127.0.0.1, a random port, the helpers of :mod:`bench_energy`), and lets 8
clients, each logged in through the login form as the demo's administrator (who may assign a
device to anyone, so every search runs over all 26,000 people), fetch:

- the edit page of one asset, ``--requests`` times each;
- ``/people/search/?q=…`` ``--requests`` times each, cycling through name fragments as a
  person types them (two letters, a given name, a surname, a name and a department).

Prints the people count, the page size, per measure the median and p95, PASS/FAIL, and exits
1 on any FAIL.

    .venv/bin/python benchmarks/bench_forms.py [--requests N] [--assets N]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_energy  # noqa: E402  (the demo loader, the server, the login)

P95_LIMIT_MS = 300.0
USER = "admin"  # the demo's administrator: may assign devices to every department's people
QUERIES = ("an", "anna", "lindqvist", "erik lind", "eva grundskole", "anv1", "sara mf")


def timed_gets(port: int, paths: list[str], requests: int, marker: bytes) -> list[float]:
    """Milliseconds of each of 8 clients × ``requests`` concurrent GETs, cycling ``paths``."""
    sessions = [bench_energy.log_in(port, USER) for _ in range(bench_energy.CLIENTS)]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(number: int, jar: dict[str, str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        mine = []
        for i in range(requests):
            path = paths[(number + i) % len(paths)]
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200 or marker not in body:
                failures.append(f"{path}: status {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)

    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    cookie = "; ".join(f"{k}={v}" for k, v in sessions[0].items())
    for path in paths:
        warm.request("GET", path, headers={"Cookie": cookie})
        warm.getresponse().read()
    warm.close()
    threads = [
        threading.Thread(target=client, args=(number, jar)) for number, jar in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"requests failed: {failures[:3]}")
    return latencies


def child(assets: int, requests: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-forms-") as tmp:
        bench_energy.configure(Path(tmp))
        load_s = bench_energy.load_city(assets)
        from kretslopp.inventory.models import Asset
        from kretslopp.organisation.models import Person

        people = Person.objects.count()
        asset = Asset.objects.filter(assignee__isnull=False).order_by("pk").first()
        edit = f"/assets/{asset.pk}/edit/"
        searches = [f"/people/search/?q={quote(text)}" for text in QUERIES]
        server, port = bench_energy.serve()
        try:
            jar = bench_energy.log_in(port, USER)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request(
                "GET", edit, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
            )
            page_bytes = len(connection.getresponse().read())
            connection.close()
            latencies = {
                "edit page": timed_gets(port, [edit], requests, b"data-person-search"),
                "people search": timed_gets(port, searches, requests, b'"results"'),
            }
        finally:
            server.shutdown()
    return {"load_s": load_s, "people": people, "page_bytes": page_bytes, "latencies": latencies}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=25, help="per client and measure")
    parser.add_argument("--assets", type=int, default=60_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.assets, args.requests)))
        return 0
    load_start = os.getloadavg()[0]
    output = subprocess.run(
        [sys.executable, __file__, "--child", "--assets", str(args.assets),
         "--requests", str(args.requests)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    result = json.loads(output.strip().splitlines()[-1])
    print(
        f"demo city: {args.assets:,} assets, {result['people']:,} people, loaded in "
        f"{result['load_s']:.1f} s; the edit page is {result['page_bytes'] / 1000:,.0f} kB"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, load average at start {load_start:.1f}, at end "
        f"{os.getloadavg()[0]:.1f}; {bench_energy.CLIENTS} clients x {args.requests} requests"
    )
    print(f"{'measure':<16}{'median ms':>11}{'p95 ms':>9}  {'limit':<16}verdict")
    failed = False
    for name, values in result["latencies"].items():
        p95 = bench_energy.p95(values)
        ok = p95 <= P95_LIMIT_MS
        failed |= not ok
        print(
            f"{name:<16}{statistics.median(values):>11.0f}{p95:>9.0f}"
            f"  {f'p95 <= {P95_LIMIT_MS:.0f} ms':<16}{'PASS' if ok else 'FAIL'}"
        )
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

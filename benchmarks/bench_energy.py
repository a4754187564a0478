"""Benchmark: a city's year of print logs imported, and the energy dashboard under load.

Two requirements of the energy and printing issue, measured on a throw-away SQLite database
(configured through ``KRETSLOPP_DATABASE_URL`` and ``KRETSLOPP_VAR_DIR`` before Django starts):

1. **Print-log import** — a year of CUPS ``page_log`` (default format, job names with
   spaces) for the demo city's 26,000 people, about 2,000,000 jobs, generated
   deterministically, imported with ``kretslopp.printing.importer.import_print_log`` (read,
   map each job to a department, total per department × month × printer, write in one
   transaction): median of ``--repeat`` runs ≤ 30 s.
2. **Energy dashboard** — the demo city (``--assets`` assets, ten years of energy ledger, two
   years of print volumes, three targets) served in-process by a threading WSGI server on
   127.0.0.1 and a random port; 8 client threads log in through the login form and each
   fetch ``/energy/`` ``--requests`` times with ``http.client``: p95 ≤ 300 ms.

Prints a table with the medians, p95 and PASS/FAIL, and exits 1 on any FAIL.

    .venv/bin/python benchmarks/bench_energy.py [--jobs N] [--repeat R] [--assets N]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

IMPORT_LIMIT_S = 30.0
DASHBOARD_P95_LIMIT_MS = 300.0
CLIENTS = 8
DEMO_USER, DEMO_PASSWORD = "hallbarhet", "kretslopp-demo"  # the demo's sustainability lead
JOB_NAMES = (
    "Protokoll nämndmöte.pdf", "Microsoft Word - Remissvar slutversion.docx", "Schema v12.xlsx",
    "Kallelse till föräldramöte.pdf", "Faktura 2026-0412.pdf", "-", "Elevlista klass 7B.pdf",
)  # fmt: skip
MEDIA = ("iso_a4_210x297mm",) * 14 + ("iso_a3_297x420mm",)
SIDES = ("two-sided-long-edge", "two-sided-long-edge", "one-sided", "-")


def configure(directory: Path) -> None:
    """A fresh SQLite database and var/ directory, set before Django reads its settings."""
    os.environ["KRETSLOPP_DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["KRETSLOPP_VAR_DIR"] = str(directory / "var")
    os.environ["KRETSLOPP_HTTPS"] = "0"
    os.environ["KRETSLOPP_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def load_city(assets: int) -> float:
    from kretslopp.demo import loader

    started = time.perf_counter()
    loader.load(assets=assets, seed=1)
    return time.perf_counter() - started


def write_page_log(path: Path, jobs: int, seed: int = 7) -> int:
    """A year (2026) of a city's page_log: one ``total`` line per job (CUPS 2.x), and one job
    in ten written page by page. Users are the demo's people, printing on their department's
    printers; some type a billing code. Returns the number of lines."""
    from kretslopp.organisation.models import Department, Person
    from kretslopp.printing.models import PrintMapping

    rng = random.Random(seed)
    codes = dict(Department.objects.values_list("pk", "code"))
    people = list(Person.objects.values_list("identifier", "department_id"))
    printers = {pk: [f"{code}-MFP-{n:03d}" for n in range(1, 41)] for pk, code in codes.items()}
    PrintMapping.objects.bulk_create(
        [
            PrintMapping(kind="printer", key=name, department_id=pk)
            for pk, names in printers.items()
            for name in names
        ]
    )
    # each person prints on one to three printers of their department, as people do
    habits = {
        user: rng.sample(printers[department], rng.randint(1, 3)) for user, department in people
    }
    start = datetime(2026, 1, 1, 7, 0)
    step = timedelta(seconds=365 * 24 * 3600 / jobs)
    lines = 0
    days: dict[int, str] = {}  # strftime once per day, not once per job
    with path.open("w", encoding="utf-8", newline="\n") as out:
        write = out.write
        for n in range(jobs):
            user, department = people[rng.randrange(len(people))]
            printer = rng.choice(habits[user])
            billing = f"KST-{codes[department]}" if rng.random() < 0.2 else "-"
            moment = start + step * n
            day = days.get(moment.toordinal())
            if day is None:
                day = days[moment.toordinal()] = moment.strftime("[%d/%b/%Y:")
            when = f"{day}{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0100]"
            head = f"{printer} {user} {n + 1} {when}"
            tail = f"{billing} wks-{n % 9973:04d} {rng.choice(JOB_NAMES)} {rng.choice(MEDIA)} "
            tail += f"{rng.choice(SIDES)}\n"
            if rng.random() < 0.9:
                write(f"{head} total {rng.randint(1, 25)} {tail}")
                lines += 1
            else:
                pages = rng.randint(1, 8)
                for page in range(1, pages + 1):
                    write(f"{head} {page} 1 {tail}")
                lines += pages
    return lines


def bench_import(path: Path, repeat: int) -> tuple[list[float], int, int]:
    from kretslopp.imports.runs import SYSTEM_ACCESS
    from kretslopp.printing.importer import import_print_log
    from kretslopp.printing.models import PrintImport

    times, jobs, rows = [], 0, 0
    for _ in range(repeat):
        PrintImport.objects.filter(file_name=path.name).delete()  # the same file again
        started = time.perf_counter()
        result = import_print_log(path, access=SYSTEM_ACCESS, log_format="cups")
        times.append(time.perf_counter() - started)
        if result.status != "committed":
            raise SystemExit(f"the import failed: {result.problems[:3]}")
        jobs, rows = result.rows, result.counts.created
    return times, jobs, rows


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve() -> tuple[_Server, int]:
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    # A thread per request: a PostgreSQL connection kept for reuse (CONN_MAX_AGE) would stay
    # with its finished thread until the garbage collector found it, and a few hundred
    # requests exhaust the server's max_connections. gunicorn's fixed threads reuse theirs.
    if connections["default"].vendor == "postgresql":
        connections.settings["default"]["CONN_MAX_AGE"] = 0
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def log_in(port: int, user: str = DEMO_USER) -> dict[str, str]:
    """Log in as ``user`` through the login form like a browser; returns the session cookies."""
    jar: dict[str, str] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/login/")
    response = connection.getresponse()
    body = response.read().decode()
    _cookies(response, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)  # type: ignore[union-attr]
    form = f"csrfmiddlewaretoken={token}&username={user}&password={DEMO_PASSWORD}"
    connection.request(
        "POST",
        "/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Referer": f"http://127.0.0.1:{port}/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    _cookies(response, jar)
    connection.close()
    if response.status != 302 or "sessionid" not in jar:
        raise SystemExit(f"could not log in as {user} (status {response.status})")
    return jar


def bench_dashboard(
    port: int, requests: int, path: str = "/energy/", marker: bytes = b"target-chart"
) -> list[float]:
    """Milliseconds of each of ``CLIENTS`` × ``requests`` concurrent GETs of ``path``.

    Each client logs in through the form; a response without ``marker`` counts as failed.
    """
    sessions = [log_in(port) for _ in range(CLIENTS)]
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def client(jar: dict[str, str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        mine = []
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200 or marker not in body:
                failures.append(f"status {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)

    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(3):  # the first request computes the fleet footprint and the ledger
        warm.request(
            "GET",
            path,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in sessions[0].items())},
        )
        warm.getresponse().read()
    warm.close()
    threads = [threading.Thread(target=client, args=(jar,)) for jar in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"dashboard requests failed: {failures[:3]}")
    return latencies


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--assets", type=int, default=60_000)
    parser.add_argument("--requests", type=int, default=25, help="per client")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-energy-") as tmp:
        directory = Path(tmp)
        configure(directory)
        load_s = load_city(args.assets)
        log = directory / "page_log"
        started = time.perf_counter()
        lines = write_page_log(log, args.jobs)
        generate_s = time.perf_counter() - started
        size_mb = log.stat().st_size / 1e6
        times, jobs, rows = bench_import(log, args.repeat)
        log.unlink()
        server, port = serve()
        try:
            latencies = bench_dashboard(port, args.requests)
        finally:
            server.shutdown()
    import_median = statistics.median(times)
    dashboard_p95 = p95(latencies)
    results = [
        (
            f"print-log import: {jobs:,} jobs, {lines:,} lines, {size_mb:,.0f} MB"
            f" -> {rows:,} totals",
            f"median {import_median:.1f} s (runs: {', '.join(f'{t:.1f}' for t in times)})",
            f"<= {IMPORT_LIMIT_S:.0f} s",
            import_median <= IMPORT_LIMIT_S,
        ),
        (
            f"energy dashboard: {CLIENTS} clients x {args.requests} requests,"
            f" {args.assets:,} assets",
            f"median {statistics.median(latencies):.0f} ms, p95 {dashboard_p95:.0f} ms",
            f"p95 <= {DASHBOARD_P95_LIMIT_MS:.0f} ms",
            dashboard_p95 <= DASHBOARD_P95_LIMIT_MS,
        ),
    ]
    print(f"setup: demo city loaded in {load_s:.1f} s, log generated in {generate_s:.1f} s")
    print(
        f"machine: {os.cpu_count()} CPUs, load average at start {load_start:.1f},"
        f" at end {os.getloadavg()[0]:.1f} (other work on the machine slows wall-clock times)"
    )
    width = max(len(r[0]) for r in results)
    print(f"{'measure'.ljust(width)}  {'result':<52}  {'limit':<16}  verdict")
    for name, value, limit, ok in results:
        print(f"{name.ljust(width)}  {value:<52}  {limit:<16}  {'PASS' if ok else 'FAIL'}")
    return 0 if all(r[3] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

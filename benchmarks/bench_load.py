"""Benchmark: 50 people at work on the 100,000-asset city, with 1, 2 and 4 app processes.

Issue 12's load requirement, on PostgreSQL: ``kretslopp serve`` (gunicorn) on 127.0.0.1 and
a random port, a bounded headless ``locust`` run (``benchmarks/load_locustfile.py``) of
``--users`` simulated staff mixing the overview, the asset list and a search, asset pages,
the energy dashboard and a department's energy page, a CSV export of a search and API reads,
while one 100,000-row asset import goes through the API import endpoint
(``POST /api/v1/imports/assets``) beside them: the call answers 202 and a ``kretslopp worker``
started beside the server imports the file as a job while the load goes on; the bench
follows the job (``GET /api/v1/imports/jobs/{id}``) to its end. Then a capacity run: the
same users with no pause between pages, for ``--capacity-seconds``, which is what shows how
the app scales with its processes (the paced run's throughput is only what 50 pausing
people ask for, the same whatever serves them). The same runs for each process count.

The database (``KRETSLOPP_BENCH_LOAD_URL``, default
``postgres://postgres@127.0.0.1:5432/kretslopp_bench_load``) is created and loaded with the
demo city (``--assets``) the first time and kept: loading takes minutes. It is reused when it
holds exactly that many demo assets, and the assets the bench import adds are deleted again
after each run, so every run starts from the same city.

Prints per process count and page the request count, p95 and errors; the throughput
(requests per second, the import not counted); the import job's time to its end and its
outcome; the capacity run's throughput; the CPU the load generator and the app processes
(and the worker) used; the load average. Then PASS/FAIL for the targets: with 4 processes
p95 ≤ 500 ms for every page and 0 errors (the import job included); the capacity with 2
processes ≥ 1.5× that with 1. Exits 1 on any FAIL.

    .venv/bin/python benchmarks/bench_load.py [--seconds 60] [--users 50] [--processes 1,2,4]
        [--capacity-seconds 30]

``KRETSLOPP_BENCH_LOAD_SECONDS`` shortens (or lengthens) each run without editing ``make bench``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import json
import os
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "KRETSLOPP_BENCH_LOAD_URL", "postgres://postgres@127.0.0.1:5432/kretslopp_bench_load"
)
P95_LIMIT_MS = 500.0
SCALING_LIMIT = 1.5
LEAD = "hallbarhet"  # the demo's sustainability lead: every department in scope
ADMIN = "admin"  # the demo's administrator: may import into every department
IMPORT_TAG_PREFIX = "LOAD-"  # the bench import's asset tags, deleted after each run
TRACE_DIR: Path | None = None  # --trace: each request and what the database did, by time
START_TIMEOUT_S = 120
RAMP_S = 5  # the simulated users arrive over this many seconds (locust's spawn rate)
IMPORT_TIMEOUT_S = 1800
PAGES = (
    "overview", "asset list", "search", "asset page", "energy", "energy department",
    "export (csv)", "api assets", "api asset",
)  # fmt: skip


# --- the database ------------------------------------------------------------------------


def configure(var_dir: Path) -> None:
    """Point Django (here and in every server started) at the bench database."""
    os.environ["KRETSLOPP_DATABASE_URL"] = DATABASE_URL
    os.environ["KRETSLOPP_VAR_DIR"] = str(var_dir)
    os.environ["KRETSLOPP_HTTPS"] = "0"
    os.environ["KRETSLOPP_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    # One key for the bench and its servers: the sessions made here are valid there.
    os.environ.setdefault("KRETSLOPP_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    import django

    django.setup()


def ensure_city(assets: int) -> str:
    """The database with the demo city of ``assets`` assets: made once, then reused."""
    import psycopg
    from django.core.management import call_command

    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if name in {"", "kretslopp", "postgres"}:
        raise SystemExit(f"refusing to use {name!r} as the bench database")
    server = urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0, interactive=False)
    delete_imported()
    from kretslopp.demo import loader
    from kretslopp.inventory.models import Asset

    if loader.has_data() and Asset.objects.count() == assets:
        return f"reused ({assets:,} assets already loaded)"
    started = time.perf_counter()
    loader.load(assets=assets, seed=1, replace=loader.has_data())
    return f"loaded the demo city with {assets:,} assets in {time.perf_counter() - started:.0f} s"


def drop_waiting_jobs(file_name: str) -> None:
    """Jobs an interrupted earlier run left queued: the worker started here must not take
    them (each would be one more 100,000-row import beside the measured one)."""
    from django_tasks_db.models import DBTaskResult

    from kretslopp.imports.models import ImportJob, JobState

    DBTaskResult.objects.ready().delete()
    waiting = (JobState.QUEUED, JobState.CHECKING, JobState.RUNNING)
    ImportJob.objects.filter(file_name=file_name, state__in=waiting).update(
        state=JobState.CANCELLED
    )


def delete_imported() -> int:
    """Remove what an earlier run's import added, so each run sees the same city.

    In SQL, one statement per table: Django's cascading delete of 100,000 assets collects
    every row in Python first and takes minutes. The import's audit entries stay (the log
    only grows); its fingerprints and lifecycle events go with the assets.
    """
    from django.db import connection, transaction

    from kretslopp.inventory.models import Asset

    imported = Asset.objects.filter(asset_tag__startswith=IMPORT_TAG_PREFIX)
    ids = imported.values("pk")
    with transaction.atomic():
        for relation in Asset._meta.related_objects:
            related = relation.related_model._base_manager.filter(
                **{f"{relation.field.name}__in": ids}
            )
            related._raw_delete(connection.alias)
        deleted = imported._raw_delete(connection.alias)
    if deleted:
        vacuum(*_import_tables())
    return deleted


def _import_tables() -> tuple[type, ...]:
    """The models an asset import writes: the assets and what hangs on them."""
    from kretslopp.inventory.models import Asset

    return (Asset, *(relation.related_model for relation in Asset._meta.related_objects))


def vacuum(*models: type) -> None:
    """Reclaim what the deleted rows took, as autovacuum would in service.

    This machine's PostgreSQL runs with autovacuum off: without this, every run left
    100,000 dead rows in the assets' table, each run read more pages than the last, and
    the capacity measured fell by half in a dozen runs.
    """
    import psycopg

    tables = sorted({model._meta.db_table for model in models})
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
        admin.execute("VACUUM (ANALYZE) " + ", ".join(f'"{table}"' for table in tables))


def settle_after_import() -> bool:
    """What autovacuum does after a bulk insert, where the server has it off; True if done.

    In service PostgreSQL vacuums and analyses a table soon after many rows are inserted
    into it (``autovacuum_vacuum_insert_threshold``). This machine's server runs with
    autovacuum off, so after the import the capacity run would measure a table whose
    statistics still describe half of it and whose new rows index-only scans must read
    from the heap (the visibility map not yet set): not the app.
    """
    import psycopg

    from kretslopp.core.models import AuditEntry

    with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
        if admin.execute("SHOW autovacuum").fetchone()[0] == "on":
            return False
    vacuum(AuditEntry, *_import_tables())
    return True


# --- what the users ask for ----------------------------------------------------------


def make_plan(directory: Path, users: int, wait_s: tuple[float, float]) -> Path:
    """Sessions, an API token and the pages' addresses, in a file the locustfile reads."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from kretslopp.api.models import ApiToken
    from kretslopp.inventory.models import Asset
    from kretslopp.organisation.models import Department

    lead = get_user_model().objects.get(username=LEAD)
    sessions = []
    for _ in range(users):
        client = Client()
        client.force_login(lead)
        sessions.append(client.cookies["sessionid"].value)
    _token, secret = ApiToken.issue(lead, "bench_load", {"read"}, days=1)
    ids = list(Asset.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(12)
    middle = Asset.objects.get(pk=ids[len(ids) // 2])
    # a search by the beginning of a serial number that several assets share; the export
    # is that of a shorter beginning: a list of some hundreds of assets, as a person takes
    search = _prefix(middle.serial_number, at_least=2)
    export = _prefix(middle.serial_number, at_least=200)
    with_assets = Department.objects.annotate(n=Count("assets")).filter(n__gt=0)
    codes = list(with_assets.values_list("code", flat=True))
    plan = {
        "sessions": sessions,
        "api_token": secret,
        "asset_ids": rng.sample(ids, min(500, len(ids))),
        "search_path": f"/assets/?q={search}&custody=all",
        "export_path": f"/assets/export/csv/?q={export}&custody=all",
        "export_marker": middle.serial_number[:1],
        "export_rows": Asset.objects.filter(serial_number__startswith=export).count(),
        "department_codes": codes,
        "wait_min_s": wait_s[0],
        "wait_max_s": wait_s[1],
    }
    path = directory / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def _prefix(serial: str, at_least: int) -> str:
    """The longest beginning of ``serial`` that at least ``at_least`` assets share."""
    from kretslopp.inventory.models import Asset

    for length in range(min(8, len(serial)), 0, -1):
        if Asset.objects.filter(serial_number__startswith=serial[:length]).count() >= at_least:
            return serial[:length]
    return serial[:1]


def make_import_file(path: Path, rows: int) -> None:
    """``rows`` new assets in our own export format, of the city's models and departments."""
    from kretslopp.inventory.models import ProductModel
    from kretslopp.organisation.models import Department

    models = list(
        ProductModel.objects.values_list("manufacturer__name", "name", "category").order_by("pk")
    )
    codes = list(Department.objects.values_list("code", flat=True))
    rng = random.Random(2026)
    start = dt.date(2019, 1, 1).toordinal()
    headers = [
        "Asset tag", "Serial number", "Manufacturer", "Model", "Category", "Department",
        "Purchase date", "In use since", "Has storage", "Status",
    ]  # fmt: skip
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for number in range(rows):
            maker, model, category = rng.choice(models)
            bought = dt.date.fromordinal(start + rng.randrange(2000))
            writer.writerow([
                f"{IMPORT_TAG_PREFIX}{number:07d}", f"LD{number:09d}", maker, model, category,
                rng.choice(codes), bought.isoformat(), (bought + dt.timedelta(days=14)).isoformat(),
                "false" if category == "monitor" else "true", "In use",
            ])  # fmt: skip


# --- the servers and the load --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(processes: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    command = [sys.executable, "-m", "kretslopp", "serve", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--processes", str(processes)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"kretslopp serve stopped at start; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10) as answer:
                if answer.status == 200:
                    return server, port
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"kretslopp serve did not answer within {START_TIMEOUT_S} s")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=90)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def warm_up(port: int, plan: dict, processes: int) -> None:
    """Each page once per process, as a server in service has been asked before."""
    cookie = {"Cookie": f"sessionid={plan['sessions'][0]}"}
    api = {"Authorization": f"Bearer {plan['api_token']}"}
    paths = [("/", cookie), ("/assets/", cookie), (plan["search_path"], cookie)]
    paths += [(f"/assets/{plan['asset_ids'][0]}/", cookie), ("/energy/", cookie)]
    paths += [(plan["export_path"], cookie), ("/api/v1/assets?limit=50", api)]
    for _ in range(processes):
        for path, headers in paths:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    answer.read()
            except urllib.error.HTTPError as error:
                raise SystemExit(f"warm-up: {path} answered {error.code}") from None


@dataclass
class ImportRun:
    """The one large import beside the load: how long it took and what it answered."""

    seconds: float = 0.0
    status: int = 0
    summary: str = ""
    job_url: str = ""
    job_seconds: float = 0.0  # from the upload to the job's end (0: it did not end)
    job_state: str = ""
    thread: threading.Thread | None = field(default=None, repr=False)
    started: float = 0.0


def start_import(port: int, path: Path, token: str) -> ImportRun:
    """POST the file to the API import endpoint in a thread, as a nightly job would."""
    run = ImportRun()

    def send() -> None:
        boundary = secrets.token_hex(16)
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        body = head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=IMPORT_TIMEOUT_S)
        try:
            connection.request(
                "POST",
                "/api/v1/imports/assets",
                body=body,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
            )
            response = connection.getresponse()
            answer = response.read()
            run.status = response.status
            try:
                data = json.loads(answer)
                run.job_url = data.get("url", "") if response.status == 202 else ""
                run.summary = f"{data.get('state') or data.get('status', '')}"
            except ValueError:
                run.summary = answer[:200].decode(errors="replace")
        except OSError as error:
            run.summary = str(error)
        finally:
            connection.close()
            run.seconds = time.perf_counter() - started

    run.started = time.perf_counter()
    run.thread = threading.Thread(target=send, daemon=True)
    run.thread.start()
    return run


def follow_import(port: int, run: ImportRun, token: str, until: float) -> None:
    """Poll the import job the upload started until it ends or ``until`` (monotonic)."""
    if not run.job_url:
        return
    path = urlsplit(run.job_url).path
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < until:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=60) as answer:
            job = json.loads(answer.read())
        if job.get("finished"):
            run.job_seconds = time.perf_counter() - run.started
            run.job_state = job.get("state", "")
            created = job.get("summary", {}).get("created")
            run.summary = (
                f"job {job.get('state')}, {created:,} created"
                if created
                else (f"job {job.get('state')}: {job.get('failure') or job.get('summary')}")
            )
            return
        time.sleep(1)
    run.summary = "job not finished in time"


def start_worker(log: Path) -> subprocess.Popen:
    """``kretslopp worker`` beside the server, as ``make run`` and the reference deployment."""
    command = [sys.executable, "-m", "kretslopp", "worker", "--interval", "0.5"]
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)


def spawn_rate(users: int) -> int:
    """Users started per second: all of them arrive over the first :data:`RAMP_S` seconds,
    as staff do, not in the same tenth of a second (a burst no office produces, which
    measures the queue of its first requests rather than the app)."""
    return max(1, round(users / RAMP_S))


def run_locust(port: int, plan_path: Path, users: int, seconds: int, prefix: Path) -> float:
    """One bounded headless locust run; returns the CPU seconds locust used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [
        sys.executable, "-m", "locust", "--headless", "--only-summary",
        "-f", str(Path(__file__).with_name("load_locustfile.py")),
        "--host", f"http://127.0.0.1:{port}", "--users", str(users),
        "--spawn-rate", str(spawn_rate(users)), "--run-time", f"{seconds}s", "--stop-timeout", "30",
        "--csv", str(prefix), "--loglevel", "WARNING",
    ]  # fmt: skip
    environ = {**os.environ, "KRETSLOPP_LOAD_PLAN": str(plan_path)}
    if TRACE_DIR:
        environ["KRETSLOPP_LOAD_TRACE"] = str(TRACE_DIR / f"{prefix.name}-requests.tsv")
    with Path(f"{prefix}.log").open("w") as log:
        subprocess.run(command, env=environ, stdout=log, stderr=subprocess.STDOUT, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@dataclass
class Result:
    processes: int
    pages: dict[str, tuple[int, float, int]]  # name → (requests, p95 ms, failures)
    throughput_rps: float
    errors: int
    locust_cpu_s: float
    server_cpu_s: float
    load_average: tuple[float, float, float]
    import_run: ImportRun
    capacity_rps: float = 0.0
    capacity_errors: int = 0
    capacity_load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    capacity_idle: float = 0.0  # share of the machine's CPU left idle during the capacity run
    # CPU seconds during the capacity run: app processes, database server, load generator.
    capacity_cpu_s: tuple[float, float, float] = (0.0, 0.0, 0.0)
    capacity_requests: int = 0
    settled: bool = False  # vacuumed after the import, as autovacuum would (it is off here)


def cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of the whole machine since boot (Linux ``/proc/stat``)."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait


def process_cpu_s(match) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each live process ``match(pid, comm,
    parent)`` accepts, from Linux ``/proc``: who used the cores during a run."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(stat.parent.name)
        if match(pid, comm, int(fields[1])):
            found[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return found


def app_cpu_s(server_pid: int) -> dict[int, float]:
    """CPU seconds of ``kretslopp serve``'s master and its app processes."""
    return process_cpu_s(lambda pid, _comm, parent: server_pid in (pid, parent))


def database_cpu_s() -> dict[int, float]:
    """CPU seconds of the PostgreSQL server's processes (the bench is alone on it)."""
    return process_cpu_s(lambda _pid, comm, _parent: comm.startswith("postgres"))


def cpu_used_s(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds the processes used between two readings; one that started meanwhile
    counts whole, one that ended meanwhile is not counted (a connection closing)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def capacity_plan(plan_path: Path) -> Path:
    """The same plan with no pause between pages: every user asks as fast as answered."""
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    plan["wait_min_s"] = plan["wait_max_s"] = 0
    path = plan_path.with_name("capacity-plan.json")
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def read_stats(prefix: Path) -> tuple[dict[str, tuple[int, float, int]], float, int]:
    pages, throughput, errors = {}, 0.0, 0
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                throughput = float(row["Requests/s"])
                errors = int(row["Failure Count"])
            else:
                pages[row["Name"]] = (
                    int(row["Request Count"]),
                    float(row["95%"]),
                    int(row["Failure Count"]),
                )
    return pages, throughput, errors


def trace_database(path: Path, stop: threading.Event) -> None:
    """Twice a second until ``stop``: the database's active statements (how long each has
    run, what it waits for) and the import's progress file, for ``--trace``."""
    import psycopg

    from kretslopp.imports import progress

    with psycopg.connect(DATABASE_URL, autocommit=True) as db, path.open("w") as out:
        while not stop.wait(0.5):
            now = time.time()
            for file in progress.folder().glob("progress-*.json"):
                out.write(f"{now:.3f}\tprogress\t{file.read_text(encoding='utf-8')}\n")
            rows = db.execute(
                "SELECT pid, extract(epoch FROM now() - query_start), "
                "coalesce(wait_event_type || ':' || wait_event, ''), left(query, 120) "
                "FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() "
                "AND datname = current_database()"
            ).fetchall()
            for pid, seconds, wait, query in rows:
                query = " ".join(query.split())
                out.write(f"{now:.3f}\tsql\t{pid}\t{seconds:.2f}\t{wait}\t{query}\n")


def one_configuration(
    processes: int, args: argparse.Namespace, plan_path: Path, import_file: Path, tmp: Path
) -> Result:
    from django.db import connections

    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    delete_imported()
    drop_waiting_jobs(import_file.name)
    connections.close_all()  # the bench holds no connection while the servers run
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server, port = start_server(processes, tmp / f"serve-{processes}.log")
    worker = start_worker(tmp / f"worker-{processes}.log")
    try:
        warm_up(port, plan, processes)
        stop_trace = threading.Event()
        if TRACE_DIR:
            threading.Thread(
                target=trace_database,
                args=(TRACE_DIR / f"p{processes}-database.tsv", stop_trace),
                daemon=True,
            ).start()
        import_run = start_import(port, import_file, args.write_token)
        locust_cpu = run_locust(port, plan_path, args.users, args.seconds, tmp / f"p{processes}")
        load_average = os.getloadavg()
        # The import may outlast the load; it gets a bounded time more, then the server and
        # the worker stop (its transaction rolls back: nothing half-written) and it counts
        # as an error.
        until = time.monotonic() + args.import_wait
        import_run.thread.join(args.import_wait)
        follow_import(port, import_run, args.write_token, until)
        stop_trace.set()
        settled = settle_after_import()
        # The import changed the data: the figures of the larger city are computed once, as
        # before the first run, so that the capacity run measures pages, not that.
        warm_up(port, plan, processes)
        capacity = tmp / f"c{processes}"
        if args.capacity_seconds:
            idle_before, total_before = cpu_times()
            app_before, database_before = app_cpu_s(server.pid), database_cpu_s()
            capacity_locust = run_locust(
                port, capacity_plan(plan_path), args.users, args.capacity_seconds, capacity
            )
            capacity_cpu = (
                cpu_used_s(app_before, app_cpu_s(server.pid)),
                cpu_used_s(database_before, database_cpu_s()),
                capacity_locust,
            )
            locust_cpu += capacity_locust
            idle_after, total_after = cpu_times()
            capacity_idle = (idle_after - idle_before) / max(1, total_after - total_before)
            capacity_load = os.getloadavg()
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        stop_server(server)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    total_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    pages, throughput, errors = read_stats(tmp / f"p{processes}")
    if import_run.status != 202 or import_run.job_state != "done":
        errors += 1
        if import_run.thread.is_alive():
            import_run.summary = f"not finished {args.import_wait} s after the load ended"
    result = Result(
        processes, pages, throughput, errors, locust_cpu, total_cpu - locust_cpu,
        load_average, import_run,
    )  # fmt: skip
    result.settled = settled
    if args.capacity_seconds:
        capacity_pages, result.capacity_rps, result.capacity_errors = read_stats(capacity)
        result.capacity_requests = sum(n for n, _p95, _f in capacity_pages.values())
        result.capacity_load_average = capacity_load
        result.capacity_idle = capacity_idle
        result.capacity_cpu_s = capacity_cpu
    return result


# --- the report ----------------------------------------------------------------------


def _import_cell(result: Result) -> str:
    run = result.import_run
    if not run.status:
        return "unanswered"
    ended = f"{run.job_seconds:.0f} s" if run.job_seconds else "unfinished"
    return f"{run.status} in {run.seconds:.1f} s; {ended}"


def _cpu_per_request_cell(result: Result) -> str:
    """App / database / load generator CPU per request in the capacity run."""
    requests = result.capacity_requests
    if not requests:
        return "-"
    app, database, locust = (1000 * seconds / requests for seconds in result.capacity_cpu_s)
    return f"app {app:.1f} db {database:.1f} gen {locust:.1f}"


def print_report(results: list[Result], args: argparse.Namespace, plan: dict) -> bool:
    print(
        f"{args.users} users arriving over {RAMP_S} s, {args.seconds} s per run, "
        f"pause {args.wait[0]}-{args.wait[1]} s "
        f"between pages; export of {plan['export_rows']} assets; "
        f"import of {args.import_rows:,} rows beside the load; {os.cpu_count()} cores"
    )
    header = f"{'page':<20}" + "".join(
        f"{f'{r.processes} proc: n / p95 ms / err':>30}" for r in results
    )
    print(header)
    for page in PAGES:
        cells = []
        for r in results:
            n, p95, failed = r.pages.get(page, (0, 0.0, 0))
            cells.append(f"{n:>12,} {p95:>9,.0f} {failed:>6}")
        print(f"{page:<20}" + "".join(f"{c:>30}" for c in cells))
    lines = [
        ("throughput (req/s)", lambda r: f"{r.throughput_rps:.1f}"),
        ("errors", lambda r: f"{r.errors}"),
        ("import: answer; job", _import_cell),
        ("capacity (req/s)", lambda r: f"{r.capacity_rps:.1f}, {r.capacity_errors} err"),
        ("  CPU left idle", lambda r: f"{r.capacity_idle:.0%}"),
        ("  CPU ms per request", _cpu_per_request_cell),
        ("locust CPU (s)", lambda r: f"{r.locust_cpu_s:.1f}"),
        ("app+worker CPU (s)", lambda r: f"{r.server_cpu_s:.1f}"),
        ("load average 1/5 min", lambda r: f"{r.load_average[0]:.2f} / {r.load_average[1]:.2f}"),
        (
            "  after capacity run",
            lambda r: f"{r.capacity_load_average[0]:.2f} / {r.capacity_load_average[1]:.2f}",
        ),
    ]
    for label, cell in lines:
        print(f"{label:<20}" + "".join(f"{cell(r):>30}" for r in results))
    for r in results:
        print(f"import with {r.processes} proc: {r.import_run.summary}")
    if any(r.settled for r in results):
        print(
            "autovacuum is off on this PostgreSQL: after each import the bench vacuumed and "
            "analysed the tables it wrote, as autovacuum does in service, before the capacity run"
        )

    by_count = {r.processes: r for r in results}
    ok = True
    if 4 in by_count:
        four = by_count[4]
        slowest = max(four.pages.items(), key=lambda item: item[1][1], default=("-", (0, 0, 0)))
        passed = all(p95 <= P95_LIMIT_MS for _n, p95, _f in four.pages.values())
        print(
            f"4 processes: p95 ≤ {P95_LIMIT_MS:.0f} ms on every page (slowest: {slowest[0]}, "
            f"{slowest[1][1]:.0f} ms): {'PASS' if passed else 'FAIL'}"
        )
        print(f"4 processes: 0 errors ({four.errors}): {'PASS' if four.errors == 0 else 'FAIL'}")
        ok = ok and passed and four.errors == 0
    if 1 in by_count and 2 in by_count and by_count[1].capacity_rps:
        ratio = by_count[2].capacity_rps / by_count[1].capacity_rps
        passed = ratio >= SCALING_LIMIT
        print(
            f"capacity 2 processes / 1 process = {ratio:.2f} (≥ {SCALING_LIMIT}): "
            f"{'PASS' if passed else 'FAIL'}"
        )
        if not passed and by_count[1].capacity_idle < 0.1:
            print(
                f"  with 1 process the machine was already busy ({by_count[1].capacity_idle:.0%} "
                "of its CPU idle): the database and the load generator share its cores, so a "
                "second process had no core to run on"
            )
        ok = ok and passed
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=int, default=int(os.environ.get("KRETSLOPP_BENCH_LOAD_SECONDS", "60"))
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--processes", default="1,2,4", help="Comma-separated process counts.")
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument(
        "--import-rows",
        type=int,
        default=int(os.environ.get("KRETSLOPP_BENCH_LOAD_IMPORT_ROWS", "100000")),
    )
    parser.add_argument(
        "--capacity-seconds",
        type=int,
        default=int(os.environ.get("KRETSLOPP_BENCH_LOAD_CAPACITY_SECONDS", "30")),
        help="Seconds of the no-pause run that measures capacity (0: none).",
    )
    parser.add_argument(
        "--import-wait",
        type=int,
        default=300,
        help="Seconds the import may run on after the load ends (default %(default)s).",
    )
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN_S", "MAX_S"),
        help="Each user's pause between pages (default 1 to 3 s).",
    )
    parser.add_argument(
        "--trace",
        type=Path,
        help="Write each request's time and the database's active statements to this folder.",
    )
    args = parser.parse_args()
    global TRACE_DIR
    if args.trace:
        TRACE_DIR = args.trace
        TRACE_DIR.mkdir(parents=True, exist_ok=True)
    counts = [int(n) for n in args.processes.split(",")]

    with tempfile.TemporaryDirectory(prefix="kretslopp-bench-load-") as directory:
        tmp = Path(directory)
        configure(ROOT / "var" / "bench-load")
        print(f"PostgreSQL {urlsplit(DATABASE_URL).path.lstrip('/')}: {ensure_city(args.assets)}")
        plan_path = make_plan(tmp, args.users, tuple(args.wait))
        plan = json.loads(plan_path.read_text(encoding="utf-8"))
        import_file = tmp / "load-import.csv"
        make_import_file(import_file, args.import_rows)

        from django.contrib.auth import get_user_model

        from kretslopp.api.models import ApiToken

        admin = get_user_model().objects.get(username=ADMIN)
        write_token, args.write_token = ApiToken.issue(admin, "bench_load", {"read", "write"}, 1)
        results = []
        try:
            for processes in counts:
                results.append(one_configuration(processes, args, plan_path, import_file, tmp))
                print(f"  ran with {processes} process(es)", flush=True)
        finally:
            delete_imported()
            for token in ApiToken.objects.filter(name="bench_load", revoked_at__isnull=True):
                token.revoke()
        ok = print_report(results, args, plan)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Steps of ``test_job_process.py``, each run in a process of its own.

``python -m kretslopp.imports.tests.job_scenarios prepare`` migrates the database that
``KRETSLOPP_DATABASE_URL`` names and adds a department, a model and an administrator;
``… queue FILE`` keeps FILE and queues it for a worker as the API does (prints the job's
number); ``… cancel ID`` cancels that job as the administrator (the web's and the API's
way), ``… cancel-when-running ID`` as soon as a worker reports rows done; ``… look``
looks at the jobs as any page would (a job whose worker died is marked).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ADMIN = "admin"


def prepare() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from kretslopp.inventory.models import Manufacturer, ProductModel
    from kretslopp.organisation.models import Department, Membership, Role

    call_command("migrate", interactive=False, verbosity=0)
    Department.objects.create(code="GRF", name="Grundskoleförvaltningen")
    dell = Manufacturer.objects.create(name="Dell")
    ProductModel.objects.create(manufacturer=dell, name="Latitude 5420", category="laptop")
    user = get_user_model().objects.create_user(username=ADMIN, password="x" * 20)
    Membership.objects.create(user=user, role=Role.ADMINISTRATOR)


def queue(path: str) -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kretslopp.imports import jobs, runs
    from kretslopp.imports.models import JobState

    upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes(), "text/csv")
    job = runs.store_upload(
        upload,
        user=get_user_model().objects.get(username=ADMIN),
        target_name="assets",
        worker="",
        state=JobState.QUEUED,
        origin="api",
    )
    jobs.enqueue(job, jobs.Step.FILE)
    print(job.pk)


def cancel(job_id: str) -> None:
    from django.contrib.auth import get_user_model

    from kretslopp.imports import jobs
    from kretslopp.imports.models import ImportJob

    job = ImportJob.objects.get(pk=int(job_id))
    print(jobs.cancel(job, get_user_model().objects.get(username=ADMIN)))


def cancel_when_running(job_id: str) -> None:
    """Wait (already started) until a worker reports rows done, then cancel the job."""
    import time

    from kretslopp.imports import progress

    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        reported = progress.read(int(job_id))
        if reported and reported.get("done", 0) > 0:
            cancel(job_id)
            return
        time.sleep(0.02)
    raise SystemExit("the job never ran")


def queue_export(rows: str) -> None:
    """``rows`` assets (written straight, no events), then their XLSX export queued as the
    administrator asked for it; prints the export's number."""
    from django.contrib.auth import get_user_model
    from django.http import QueryDict

    from kretslopp.imports import exports
    from kretslopp.inventory.models import Asset, ProductModel
    from kretslopp.organisation.access import access_for
    from kretslopp.organisation.models import Department

    model, department = ProductModel.objects.get(), Department.objects.get(code="GRF")
    Asset.objects.bulk_create(
        Asset(
            asset_tag=f"EX-{number:06d}",
            serial_number=f"SNX{number:08d}",
            model=model,
            department=department,
            status="in_use",
        )
        for number in range(int(rows))
    )
    user = get_user_model().objects.get(username=ADMIN)
    query = QueryDict("custody=all")
    job = exports.start("assets", "xlsx", query, user, access_for(user), int(rows))
    print(job.pk)


def look_exports() -> None:
    from kretslopp.imports import exports
    from kretslopp.imports.models import ExportJob

    print(len(exports.reap(ExportJob.objects.all())))


def look() -> None:
    from kretslopp.imports import liveness

    print(len(liveness.reap_all()))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    django.setup()
    steps = {
        "prepare": prepare,
        "queue": queue,
        "cancel": cancel,
        "cancel-when-running": cancel_when_running,
        "look": look,
        "queue-export": queue_export,
        "look-exports": look_exports,
    }
    steps[sys.argv[1]](*sys.argv[2:])

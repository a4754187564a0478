"""Take a report's snapshot: every registered section, frozen in both languages.

Sections come from :data:`kretslopp.core.registry.registry` (``report_sections``), so a new
domain adds its section in its own ``ready()`` and this app never changes for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from kretslopp.core.registry import registry
from kretslopp.organisation.access import reader_of
from kretslopp.organisation.models import Department
from kretslopp.reports.models import ReportSnapshot, SnapshotState

logger = logging.getLogger(__name__)

LANGUAGES = ("sv", "en")
#: Version of the snapshot's JSON shape (the renderer reads older shapes by this number).
FORMAT = 1


def sections_for(year: int, department_id: int | None, language: str) -> list[dict[str, Any]]:
    """Every registered section built for ``year`` in ``language`` (None ones left out)."""
    access = reader_of(department_id)
    out = []
    with translation.override(language):
        for key, entry in registry.report_sections.items():
            section = entry.build(access, year, department_id)
            if section:
                out.append({"key": key, **section})
    return out


def take(year: int, department: Department | None = None, by: Any = None) -> ReportSnapshot:
    """Freeze ``year``'s report (the organisation's, or ``department``'s) and keep it."""
    content = frozen_content(year, department)
    with transaction.atomic():
        return ReportSnapshot.objects.create(
            year=year, department=department, created_by=by, content=content
        )


def queue(year: int, department: Department | None = None, by: Any = None) -> ReportSnapshot:
    """Keep a snapshot to be taken by the worker (``kretslopp worker``), and hand it over.

    Reading every section of a large fleet in both languages takes longer than a web request
    may (the proxy in front cuts it off), so the web only records what was asked for.
    """
    from kretslopp.reports import jobs

    queued = ReportSnapshot.objects.create(
        year=year, department=department, created_by=by, state=SnapshotState.QUEUED
    )
    transaction.on_commit(lambda: jobs.take_snapshot.enqueue(queued.pk))
    return queued


def fill(snapshot_id: int) -> str:
    """Take the queued snapshot ``snapshot_id``: all its content at once, or none of it.

    A failure leaves the snapshot marked failed with no figures, so the archive never shows
    half a report. The technical reason (the exception) goes to the log with its traceback
    and is kept on the snapshot for administrators; readers of the archive get a sentence
    in their language instead of a programmer's message.
    """
    claimed = ReportSnapshot.objects.filter(pk=snapshot_id, state=SnapshotState.QUEUED)
    snapshot = claimed.select_related("department").first()
    if snapshot is None:
        return "not queued"
    try:
        content = frozen_content(snapshot.year, snapshot.department)
    except Exception as error:  # noqa: BLE001 — any failure is the snapshot's outcome
        logger.exception(
            "report snapshot %s (%s, department %s) could not be taken",
            snapshot.pk,
            snapshot.year,
            snapshot.department.code if snapshot.department else "-",
        )
        snapshot.state, snapshot.failure = SnapshotState.FAILED, f"{type(error).__name__}: {error}"
        snapshot.save(update_fields=["state", "failure"])
        return SnapshotState.FAILED
    snapshot.content, snapshot.state = content, SnapshotState.READY
    snapshot.save(update_fields=["content", "state"])
    return SnapshotState.READY


def frozen_content(year: int, department: Department | None) -> dict[str, Any]:
    """Every section in both languages, with what the renderer needs to know of them."""
    department_id = department.pk if department else None
    content: dict[str, Any] = {
        "meta": {
            "format": FORMAT,
            "year": year,
            "department": department.name if department else None,
            "department_code": department.code if department else None,
            "taken_at": timezone.now().isoformat(),
        }
    }
    for language in LANGUAGES:
        content[language] = {"sections": sections_for(year, department_id, language)}
    return content


def default_year(today: dt.date | None = None) -> int:
    """The last full calendar year: what an annual report is normally about."""
    return (today or timezone.localdate()).year - 1

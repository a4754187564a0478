"""The report snapshot as a background job of ``kretslopp worker`` (Django's Tasks API)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


@task(queue_name=settings.TASKS_QUEUE)
def take_snapshot(snapshot_id: int) -> str:
    """Take the queued snapshot; returns its state (ready, failed, or "not queued")."""
    from kretslopp.reports import snapshot

    return snapshot.fill(snapshot_id)

"""The start page's figures computed before anyone asks (``registry.warmers``).

``kretslopp serve`` sets Django up once and forks its app processes from that first one;
what the first process remembers (:mod:`kretslopp.core.memo`) every forked one starts with.
Without this, each process met its first readers cold: at 100,000 assets the start page's
figures take about a second to compute, and four processes computing them side by side on
two cores stalled every page of the host for seconds (``benchmarks/bench_load.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation

from kretslopp.core.memo import one_reading_per_request
from kretslopp.core.registry import registry
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Role

#: Whom the figures are computed for: a reader of every department (the sustainability
#: lead, the organisation-wide viewers), whose start page is the largest computation.
ORGANISATION_WIDE = Access(role=Role.SUSTAINABILITY_LEAD, department_ids=None)


def warm_start_page() -> str:
    """Compute every start page panel's figures for an organisation-wide reader.

    Only the figures, which are remembered by scope and data version: the panels' HTML is
    remembered per reader and is quick to render from them. Nobody is signed in here, so a
    panel about the reader's own work (reminders) has nothing to compute.
    """
    request = HttpRequest()
    request.method = "GET"
    request.user = AnonymousUser()
    computed = 0
    with translation.override(settings.LANGUAGE_CODE), one_reading_per_request():
        for panel in registry.dashboard_panels:
            if panel.context(request, ORGANISATION_WIDE) is not None:
                computed += 1
    return f"start page: {computed} panels computed for an organisation-wide reader"

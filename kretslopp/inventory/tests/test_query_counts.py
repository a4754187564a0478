"""The register's pages ask the database a fixed number of questions, whatever the fleet.

Each page is fetched in a demo city of 100 and of 1,000 assets, first with nothing
remembered (the aggregates are computed) and again (they are read from memory); the number
of queries must be the same at both sizes. ``benchmarks/bench_dashboards.py`` prints the same
counts at 100,000 assets.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kretslopp.carbon import services
from kretslopp.demo import loader
from kretslopp.energy import ledger
from kretslopp.inventory import summary
from kretslopp.inventory.models import Asset
from kretslopp.organisation.models import Department

#: At most this many queries for any of the pages (a bound well above today's counts that
#: a per-row query — one per asset, department member or list row — would exceed).
LIMIT = 40
#: The demo's largest department (grundskoleförvaltningen), as bench_dashboards finds it.
LARGEST = "GRF"


def forget_everything() -> None:
    """Nothing remembered from before, the content types (read once a process) included."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    summary.forget()
    services._memo.clear()
    ledger.forget()


def pages() -> dict[str, str]:
    """The pages bench_dashboards.py measures, in the loaded city."""
    middle = Asset.objects.order_by("pk")[Asset.objects.count() // 2]
    # The largest department at a city's usual sizes, named: which one is largest in a city
    # of 100 is chance, and another department's page shows other things.
    largest = Department.objects.get(code=LARGEST)
    prefix = next(  # the longest beginning shared with another asset: a list, not a jump
        middle.serial_number[:length]
        for length in range(6, 0, -1)
        if Asset.objects.filter(serial_number__startswith=middle.serial_number[:length]).count() > 1
    )
    return {
        "department": f"/departments/{largest.code}/",
        "assets": "/assets/",
        "search": f"/assets/?q={prefix}&custody=all",
        "asset": f"/assets/{middle.pk}/",
        "energy": "/energy/",
        "departments": "/departments/",
    }


def query_counts(client, size: int) -> dict[str, tuple[int, int]]:
    """Per page: the queries with nothing remembered, then with the aggregates remembered."""
    from django.contrib.auth import get_user_model

    loader.load(assets=size, seed=3)
    client.force_login(get_user_model().objects.get(username="hallbarhet"))
    forget_everything()
    counts = {}
    for label, path in pages().items():
        found = []
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (label, response.status_code)
            found.append(len(queries.captured_queries))
        counts[label] = tuple(found)
    return counts


@pytest.mark.django_db
def test_each_page_asks_as_many_queries_at_100_as_at_1000_assets(client):
    small = query_counts(client, 100)
    with transaction.atomic():
        loader.delete_demo()
    large = query_counts(client, 1000)
    assert large == small
    for label, (cold, warm) in large.items():
        assert cold <= LIMIT and warm <= LIMIT, (label, cold, warm)

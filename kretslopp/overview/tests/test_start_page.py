"""The start page per role: the devices-due numbers equal the lists they open, and each role
sees its own headlines, scoped to its departments."""

from __future__ import annotations

import datetime as dt
import gc
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kretslopp.conftest import make_asset
from kretslopp.inventory import due
from kretslopp.overview.tests.conftest import energy_target

ROLES_SEEING_DUE = ("administrator", "sustainability_lead", "procurement", "coordinator", "viewer")


def _due_links(html: str) -> dict[str, tuple[int, str]]:
    """Each due number on the start page and the link it carries."""
    found = {}
    for kind, href, value in re.findall(
        r'id="due-(\w+)" href="([^"]+)"><span class="kpi-value">([^<]+)<', html
    ):
        found[kind] = (int(re.sub(r"\D", "", value)), href.replace("&amp;", "&"))
    return found


def _listed(client, href: str) -> int:
    return client.get(href).context["page"].paginator.count


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_SEEING_DUE)
def test_each_due_number_equals_the_list_it_links_to(fleet, login, role):
    client = login(fleet.users[role])
    links = _due_links(client.get(reverse("home")).content.decode())
    assert set(links) == set(due.KINDS)
    for kind, (count, href) in links.items():
        assert count == _listed(client, href), (role, kind)
        # … and the export of that list holds the same rows (header + one per asset).
        export = client.get(reverse("imports:export", args=["csv"]) + "?" + href.split("?")[1])
        rows = b"".join(export.streaming_content if export.streaming else [export.content])
        assert len(rows.decode("utf-8-sig").strip().splitlines()) == count + 1, (role, kind)


@pytest.mark.django_db
def test_due_numbers_are_the_readers_departments_only(fleet, login):
    everyone = _due_links(
        login(fleet.users["sustainability_lead"]).get(reverse("home")).content.decode()
    )
    own = _due_links(login(fleet.users["coordinator"]).get(reverse("home")).content.decode())
    assert {kind: n for kind, (n, _href) in everyone.items()} == {
        due.PAST_END: 3,
        due.END_SOON: 3,
        due.PAST_WARRANTY: 3,
        due.NOT_RETURNED: 2,
    }
    assert {kind: n for kind, (n, _href) in own.items()} == {
        due.PAST_END: 2,
        due.END_SOON: 2,
        due.PAST_WARRANTY: 2,
        due.NOT_RETURNED: 1,
    }


@pytest.mark.django_db
def test_the_due_filter_shows_a_chip_that_removes_it(fleet, login):
    client = login(fleet.users["sustainability_lead"])
    page = client.get(reverse("inventory:assets") + "?due=past_end&category=laptop")
    html = page.content.decode()
    assert 'id="due-chip"' in html
    remove = re.search(r'href="\?([^"]*)" class="chip-remove"', html).group(1)
    assert "due=" not in remove and "category=laptop" in remove
    assert page.context["page"].paginator.count == 3
    unknown = client.get(reverse("inventory:assets") + "?due=whatever")
    assert 'id="due-chip"' not in unknown.content.decode()


PANELS = ("start-target", "start-co2e", "takeback-headline", "devices-due", "printing-headline")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "procurement_shown"),
    [
        ("administrator", True),
        ("sustainability_lead", True),
        ("procurement", True),
        ("coordinator", False),
        ("viewer", False),
        ("viewer_all", False),
    ],
)
def test_each_role_sees_its_headlines_with_charts(fleet, login, role, procurement_shown):
    energy_target()
    html = login(fleet.users[role]).get(reverse("home")).content.decode()
    for panel in PANELS:
        assert f'id="{panel}"' in html, (role, panel)
    # The target's chart and the CO2e chart travel as Vega-Lite specs, drawn by our bundle.
    assert 'data-vega-spec="start-target-spec"' in html
    assert 'data-vega-spec="start-co2e-spec"' in html
    assert html.count('id="chart-locale"') == 1
    assert ("Märkta inköp" in html) is procurement_shown
    # Every figure names its method: each panel links to the methodology or its source page.
    assert html.count(reverse("carbon:methodology")) >= 4


@pytest.mark.django_db
def test_a_coordinator_sees_the_target_with_its_own_part(fleet, login):
    target = energy_target()
    html = login(fleet.users["coordinator"]).get(reverse("home")).content.decode()
    assert target.name in html
    assert "Din del (Grundskoleförvaltningen)" in html
    lead = login(fleet.users["sustainability_lead"]).get(reverse("home")).content.decode()
    assert target.name in lead and "Din del" not in lead


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "goes_to"), [("partner", "circular:campaigns"), ("no_role", "organisation:no_role")]
)
def test_roles_without_a_start_page_are_sent_where_they_work(town, login, role, goes_to):
    response = login(town.users[role]).get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse(goes_to)


@pytest.mark.django_db
def test_the_co2e_headline_is_the_footprint_tables_figure(fleet, login):
    """The start page's CO2e of this year is the carbon panel's total for the same year."""
    from kretslopp.carbon import services
    from kretslopp.core.templatetags.units import tonnes
    from kretslopp.organisation.access import access_for

    html = login(fleet.users["sustainability_lead"]).get(reverse("home")).content.decode()
    year = timezone.localdate().year
    total = services.fleet_for(access_for(fleet.users["sustainability_lead"])).by_year()[year]
    assert f'href="#footprint">{tonnes(total.total.value)} t</a>' in html


@pytest.mark.django_db
def test_start_page_queries_do_not_grow_with_the_fleet(fleet, login):
    """A fixed number of queries whatever the fleet size, counted with every remembered
    result forgotten (each ``Memo`` and ``Recheck`` of the process), so nothing is hidden."""
    energy_target()
    client = login(fleet.users["sustainability_lead"])

    def queries() -> int:
        for remembered in _remembered():
            remembered.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    queries()  # the first request of a session writes more (the session itself)
    small = queries()
    for n in range(60):
        make_asset(
            f"MORE-{n}",
            fleet.laptop,
            fleet.other if n % 2 else fleet.own,
            planned_end_of_life=timezone.localdate() - dt.timedelta(days=n + 1),
        )
    assert queries() == small
    assert len(_remembered()) >= 5  # the inventory's, the footprint's, the ledger's, …


def _remembered() -> list:
    from kretslopp.core.memo import Memo, Recheck

    # type(), not isinstance(): isinstance would wake lazy objects (the admin site) up.
    return [o for o in gc.get_objects() if type(o) in (Memo, Recheck)]


@pytest.mark.django_db
def test_the_api_lists_the_same_devices_due(fleet, login, api_as):
    """The asset API takes the same ``due`` (and ``days``) filter as the list the numbers open."""
    user = fleet.users["coordinator"]
    links = _due_links(login(user).get(reverse("home")).content.decode())
    api = api_as(user, "read")
    for kind, (count, href) in links.items():
        query = dict(pair.split("=") for pair in href.split("?")[1].split("&"))
        body = api.get("/api/v1/assets", limit=500, **query).json()
        assert len(body["items"]) == count, kind
    assert api.get("/api/v1/assets", due="soon").status_code == 422

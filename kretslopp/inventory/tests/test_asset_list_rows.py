"""The asset list's rows: each cell as the reader expects it, whatever the asset lacks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp.conftest import make_asset
from kretslopp.inventory.models import Manufacturer, ProductModel
from kretslopp.organisation.models import Person

pytestmark = pytest.mark.django_db


def _row_of(page: str, tag: str) -> str:
    """The table row that links to ``tag``."""
    start = page.index(f">{tag}</a>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_a_row_shows_the_asset_in_swedish_with_a_link_to_its_page(town, login):
    person = Person.objects.get(identifier="anv000001")
    town.own_asset.assignee = person
    town.own_asset.save()
    page = login(town.users["coordinator"]).get(reverse("inventory:assets")).content.decode()
    row = _row_of(page, "MS-0000001")
    assert f'href="{town.own_asset.get_absolute_url()}"' in row
    assert "SN-MS-0000001" in row
    assert "Dell Latitude 5420" in row
    assert "Bärbar dator" in row
    assert "Grundskoleförvaltningen" in row
    assert "anv000001" in row
    assert "2022-03-01" in row
    assert '<span class="status status-in_use">I bruk</span>' in row


def test_what_an_asset_lacks_shows_as_a_dash_and_names_are_escaped(town, login):
    maker = Manufacturer.objects.create(name="A&B <Tech>")
    model = ProductModel.objects.create(manufacturer=maker, name='"Quote" 1', category="laptop")
    make_asset("MS-BARE", model, town.own, serial_number="", in_use_date=None)
    page = login(town.users["coordinator"]).get(reverse("inventory:assets")).content.decode()
    row = _row_of(page, "MS-BARE")
    assert "A&amp;B &lt;Tech&gt; &quot;Quote&quot; 1" in row
    assert "<Tech>" not in row
    cells = [cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]]
    assert cells[1] == "–"  # serial number
    assert cells[5] == "–"  # assigned to
    assert cells[6] == "–"  # in use since


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"custody": "all"},
        {"custody": "left"},
        {"department": "GRF"},
        {"department": "MF", "custody": "all"},
        {"status": "in_stock"},
        {"status": "recycled", "custody": "in"},
        {"department": "NOPE"},
    ],
)
def test_the_pager_counts_what_the_list_holds_whoever_reads_it(town, login, query):
    from django.http import QueryDict

    from kretslopp.inventory.filters import AssetFilter
    from kretslopp.inventory.lifecycle import RECYCLED
    from kretslopp.organisation.access import access_for

    make_asset("MS-STOCK", town.laptop, town.own, status="in_stock")
    make_asset("MS-GONE", town.laptop, town.own, status=RECYCLED)
    make_asset("MS-MF2", town.monitor, town.other, status="in_stock")
    make_asset("MS-ORDER", town.laptop, town.own, status="ordered", in_use_date=None)
    for role in ("sustainability_lead", "coordinator"):
        user = town.users[role]
        client = login(user)
        shown = client.get(reverse("inventory:assets"), query).context["page"].paginator.count
        params = QueryDict(mutable=True)
        params.update(query)
        expected = AssetFilter.from_query(params).apply(access_for(user)).count()
        assert shown == expected, (role, query)
    # After a change, the count follows.
    make_asset("MS-LATE", town.laptop, town.own, status="in_stock")
    client = login(town.users["sustainability_lead"])
    again = client.get(reverse("inventory:assets"), query).context["page"].paginator.count
    params = QueryDict(mutable=True)
    params.update(query)
    expected = AssetFilter.from_query(params).apply(access_for(town.users["sustainability_lead"]))
    assert again == expected.count()

"""The demo city's exchange: its values published as 1280, three generated peers with real
codes, plainly marked, one of them on another factor set (so the warning shows)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp.demo import loader
from kretslopp.exchange import comparison
from kretslopp.exchange.models import Peer, PeerValue, Publication, Publisher


@pytest.mark.django_db
def test_the_demo_publishes_and_exchanges_with_three_generated_peers(client):
    loader.load(assets=2000, seed=7)
    assert Publisher.objects.get().municipality_code == "1280"
    published = set(Publication.objects.values_list("kpi_id", flat=True))
    assert {"KR0001", "KR0002", "KR0004", "KR0005"} <= published
    peers = {p.municipality_code: p for p in Peer.objects.all()}
    assert {code: p.name for code, p in peers.items()} == {
        "1281": "Lunds kommun",
        "1283": "Helsingborgs stad",
        "1480": "Göteborgs Stad",
    }
    assert all(p.is_demo and "demodata" in p.source for p in peers.values())
    assert PeerValue.objects.filter(peer=peers["1281"]).count() == Publication.objects.count()
    by_kpi = {c.kpi.kpi: c for c in comparison.compare()}
    energy = by_kpi["KR0004"]  # CO2e rests on the factor set and the grid factor
    assert all(year.differing == ["Göteborgs Stad"] for year in energy.years)
    assert all(len(year.ranks) == 4 for year in energy.years)

    from kretslopp.organisation.models import Membership

    lead = Membership.objects.filter(role="sustainability_lead").first().user
    client.force_login(lead)
    page = client.get(reverse("exchange:compare"), HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()
    assert page.status_code == 200
    assert "genererade demodata" in text and "Helsingborgs stad" in text

    # Replacing the demo removes the exchange's rows with the rest.
    loader.load(assets=2000, seed=7, replace=True)
    assert Peer.objects.count() == 3 and Publisher.objects.count() == 1

"""A department's holdings panel is rendered once and reused, yet never shows stale figures."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kretslopp.conftest import make_asset
from kretslopp.organisation.models import CostCentre, Department

pytestmark = pytest.mark.django_db


def _department_page(client) -> str:
    return client.get(reverse("organisation:department", args=["GRF"])).content.decode()


def _in_custody(page: str) -> str:
    """The number on the "assets in custody" tile, which links to those assets."""
    found = re.search(r'custody=in"><span class="kpi-value">([^<]+)</span>', page)
    assert found, "no assets-in-custody tile"
    return found.group(1)


def test_the_department_page_follows_new_assets_head_counts_and_cost_centres(town, login):
    client = login(town.users["coordinator"])
    assert _in_custody(_department_page(client)) == "1"
    assert _in_custody(_department_page(client)) == "1"  # remembered, the same
    make_asset("MS-NEW", town.laptop, town.own)
    assert _in_custody(_department_page(client)) == "2"
    Department.objects.filter(pk=town.own.pk).update(employees=650)
    assert '<span class="kpi-value">650</span>' in _department_page(client)
    centre = CostCentre.objects.create(code="GRF-01", name="Grundskolor öster", department=town.own)
    assert "Grundskolor öster" in _department_page(client)
    # Renamed without anything else changing (not even through the audited forms).
    CostCentre.objects.filter(pk=centre.pk).update(name="Grundskolor norr")
    renamed = _department_page(client)
    assert "Grundskolor norr" in renamed and "Grundskolor öster" not in renamed


def test_two_departments_pages_never_share_their_holdings(town, login):
    make_asset("MS-MF", town.laptop, town.other)
    client = login(town.users["administrator"])
    own = client.get(reverse("organisation:department", args=["GRF"])).content.decode()
    other = client.get(reverse("organisation:department", args=["MF"])).content.decode()
    assert "?department=GRF&amp;custody=in" in own and "?department=MF" not in own
    assert "?department=MF&amp;custody=in" in other and "?department=GRF" not in other

"""An asset's history names no other department's person, location or cost centre.

An asset may have been assigned, placed or booked elsewhere before it came to the reader's
department (an administrator may do either). Its history keeps those changes, but a
department-bound reader sees that the old value was another department's, not which.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp.core import audit
from kretslopp.organisation.models import CostCentre, Location, Person

pytestmark = pytest.mark.django_db

ELSEWHERE = ("anv000002", "Miljöhuset", "MF-1")


@pytest.fixture
def moved_in(town):
    """The own asset came from the other department, with its person, place and booking."""
    asset = town.other_asset
    admin = town.users["administrator"]
    with audit.acting_as(admin):
        asset.assignee = Person.objects.create(identifier="anv000002", department=town.other)
        asset.location = Location.objects.create(name="Miljöhuset", department=town.other)
        asset.cost_centre = CostCentre.objects.create(
            code="MF-1", name="Miljöstaben", department=town.other
        )
        asset.save()
        asset.department = town.own
        asset.assignee = Person.objects.get(identifier="anv000001")
        asset.location = Location.objects.get(name="Stadshuset")
        asset.cost_centre = None
        asset.save()
    return asset


@pytest.mark.parametrize("role", ["administrator", "sustainability_lead", "coordinator"])
def test_the_history_names_other_departments_records_only_to_those_who_read_them(
    town, login, moved_in, role
):
    page = login(town.users[role]).get(reverse("inventory:asset", args=[moved_in.pk]))
    text = page.content.decode()
    named = [value for value in ELSEWHERE if value in text]
    if role == "coordinator":
        assert named == []
        assert "i en annan förvaltning" in text
    else:
        assert named == list(ELSEWHERE)
    assert "Stadshuset" in text and "anv000001" in text


def test_the_history_names_past_and_present_values_reading_only_the_past_ones(
    town, login, moved_in
):
    """The asset's present person, place and department come with the asset; only the
    values it no longer has are looked up, so a long history does not ask a query each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(town.users["administrator"])
    url = reverse("inventory:asset", args=[moved_in.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    history = page[page.index('id="history"') :]
    for shown in ("anv000001", "Stadshuset", "Grundskoleförvaltningen", *ELSEWHERE):
        assert shown in history, shown
    present = moved_in.assignee_id
    person_table = connection.ops.quote_name("organisation_person")
    looked_up = [
        q["sql"]
        for q in queries
        if f"FROM {person_table}" in q["sql"] and f'"id" = {present} ' in q["sql"]
    ]
    assert looked_up == []  # the present assignee came with the asset

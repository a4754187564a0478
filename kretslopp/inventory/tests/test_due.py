"""The devices-due rules: the edges of each window, and the days rule of "not returned"."""

from __future__ import annotations

import datetime as dt

import pytest

from kretslopp.conftest import make_asset
from kretslopp.inventory import due
from kretslopp.inventory.filters import AssetFilter
from kretslopp.organisation.access import access_for
from kretslopp.organisation.models import Person


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 7, 15), dt.date(2027, 1, 15)),
        (dt.date(2026, 1, 31), dt.date(2026, 7, 31)),
    ],
)
def test_six_months_later_is_the_same_day_or_the_months_last(day, expected):
    assert due.months_after(day, 6) == expected


@pytest.mark.parametrize(("text", "days"), [("45", 45), ("0", 30), ("x", 30), (None, 30)])
def test_days_outside_the_range_mean_the_default(text, days):
    assert due.parse_days(text) == days


@pytest.mark.django_db
def test_the_windows_include_today_on_the_right_side_only(town):
    today = dt.date(2026, 6, 15)
    make_asset("ENDS-TODAY", town.laptop, town.own, planned_end_of_life=today)
    make_asset("ENDED-YESTERDAY", town.laptop, town.own, planned_end_of_life=dt.date(2026, 6, 14))
    make_asset("ENDS-IN-6-MONTHS", town.laptop, town.own, planned_end_of_life=dt.date(2026, 12, 15))
    make_asset("ENDS-DAY-BEFORE", town.laptop, town.own, planned_end_of_life=dt.date(2026, 12, 14))
    access = access_for(town.users["sustainability_lead"])

    def tags(kind: str) -> set[str]:
        found = AssetFilter(due=kind, custody="").apply(access, today)
        return set(found.values_list("asset_tag", flat=True))

    assert tags(due.PAST_END) == {"ENDED-YESTERDAY"}
    assert tags(due.END_SOON) == {"ENDS-TODAY", "ENDS-DAY-BEFORE"}
    counts = due.due_counts(access, today).counts
    assert counts[due.PAST_END] == 1 and counts[due.END_SOON] == 2


@pytest.mark.django_db
def test_not_returned_follows_the_days_given(town):
    today = dt.date(2026, 6, 15)
    person = Person.objects.get(identifier="anv000001")
    make_asset("OLD", town.laptop, town.own, assignee=person, in_use_date=dt.date(2020, 1, 1))
    make_asset("NEW", town.laptop, town.own, assignee=person, in_use_date=dt.date(2026, 5, 1))
    access = access_for(town.users["sustainability_lead"])
    # Replaced 45 days before: not returned under a 30-day rule, not yet under a 60-day one.
    assert due.due_counts(access, today, 30).counts[due.NOT_RETURNED] == 1
    assert due.due_counts(access, today, 60).counts[due.NOT_RETURNED] == 0
    found = AssetFilter(due=due.NOT_RETURNED, days=30).apply(access, today)
    assert list(found.values_list("asset_tag", flat=True)) == ["OLD"]

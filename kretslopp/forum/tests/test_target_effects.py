"""The energy target page shows the forecast with the forum's decided (and proposed) measures,
says in words whether the target is met with them, and follows done measures up."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from kretslopp.core.registry import registry
from kretslopp.energy.tests.conftest import OFF_TRACK, add_years
from kretslopp.forum.models import ExpectedEffect, Forum, Measure, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_ledger():
    from kretslopp.energy import ledger

    ledger.forget()
    yield
    ledger.forget()


def _target():
    from kretslopp.energy.models import Target

    return Target.objects.create(
        name="IT-energi −30 %", kpi="it_energy_kwh", baseline_year=2016,
        baseline_value=1_000_000, target_year=2026, target_value=700_000,
    )  # fmt: skip


def _measure(forum, number, status, kwh, start, department=None, title=None):
    measure = Measure.objects.create(
        forum=forum, number=number, title=title or f"Åtgärd {number}", status=status,
        department=department,
    )  # fmt: skip
    ExpectedEffect.objects.create(
        measure=measure, kpi="it_energy_kwh", change_per_year=kwh, unit="kWh",
        effective_from=start, change_low_per_year=kwh * 0.8, change_high_per_year=kwh * 1.2,
    )  # fmt: skip
    return measure


def _spec(html: str) -> dict:
    found = re.search(r'<script id="target-chart-spec" type="application/json">(.*?)</script>',
                      html, re.S)  # fmt: skip
    assert found
    return json.loads(found.group(1))


def test_the_forum_is_a_registered_source_of_effects():
    assert "forum" in registry.target_effects


def test_the_target_page_shows_the_forecast_with_decided_measures(town, login):
    add_years(OFF_TRACK)  # flat at about 1 000 000 kWh: today's forecast misses 700 000
    target = _target()
    forum = Forum.objects.create(name="IT-forum", budget_limit_sek=1_000_000)
    _measure(forum, 1, Status.DECIDED, -330_000, dt.date(2026, 1, 1), title="Servervirtualisering")
    _measure(forum, 2, Status.PROPOSED, -50_000, dt.date(2026, 1, 1))
    _measure(forum, 3, Status.CANCELLED, -900_000, dt.date(2026, 1, 1))  # counts nowhere
    html = login(town.users["sustainability_lead"]).get(target.get_absolute_url()).text
    assert 'data-scenario="decided"' in html and 'data-scenario="proposed"' in html
    decided = re.search(r'data-scenario="decided">([^<]*)<', html).group(1)
    assert decided.startswith("Med de beslutade åtgärderna (1) är prognosen för 2026")
    # 1 000 000-ish − 330 000 meets 700 000; at the cautious end (−264 000) it does not
    assert "målet på 700\xa0000 kWh nås." in decided
    assert "Vid den försiktiga änden av uppskattningarna" in decided
    spec = _spec(html)
    series = {row["series"] for layer in spec["layer"] for row in layer["data"]["values"]
              if "series" in row}  # fmt: skip
    assert {"Utfall", "Prognos", "Prognos med beslutade åtgärder"} <= series
    assert "Servervirtualisering" in html
    assert "Åtgärd 3" not in html


def test_the_verdict_follows_the_engine(town, login):
    from kretslopp.energy import assessment
    from kretslopp.organisation.access import access_for

    add_years(OFF_TRACK)
    target = _target()
    forum = Forum.objects.create(name="IT-forum", budget_limit_sek=1_000_000)
    _measure(forum, 1, Status.IN_PROGRESS, -330_000, dt.date(2026, 1, 1))
    lead = town.users["sustainability_lead"]
    view = assessment.view_for(target, access_for(lead))
    with_measures = assessment.with_measures(view, lead)
    decided = with_measures.measures.outlook.decided
    base = view.forecasts[2026].point
    assert decided.point == pytest.approx(base - 330_000)
    assert decided.meets_target is (base - 330_000 <= 700_000)
    assert not with_measures.measures.outlook.has_proposed


def test_measures_a_reader_may_not_open_count_but_are_not_named(town, login):
    add_years(OFF_TRACK)
    target = _target()
    forum = Forum.objects.create(name="IT-forum")
    _measure(forum, 1, Status.DECIDED, -100_000, dt.date(2026, 1, 1), department=town.other,
             title="Hemlig åtgärd")  # fmt: skip
    html = login(town.users["viewer"]).get(target.get_absolute_url()).text
    assert 'data-scenario="decided"' in html
    assert "Hemlig åtgärd" not in html
    assert "en åtgärd du inte kan öppna" in html


def test_a_department_target_counts_that_departments_measures_only(town, login):
    from kretslopp.forum import effects

    forum = Forum.objects.create(name="IT-forum")
    _measure(forum, 1, Status.DECIDED, -1.0, dt.date(2026, 1, 1), department=town.own)
    _measure(forum, 2, Status.DECIDED, -2.0, dt.date(2026, 1, 1), department=town.other)
    lead = town.users["sustainability_lead"]
    assert sorted(e.amount_per_year for e in effects.effects_on(lead, "it_energy_kwh", None)) == [
        -2.0, -1.0,
    ]  # fmt: skip
    assert [e.amount_per_year for e in effects.effects_on(lead, "it_energy_kwh", town.own.pk)] == [
        -1.0
    ]
    assert effects.effects_on(lead, "pages_printed", None) == []


def test_done_measures_are_followed_up_with_the_caveat(town, login):
    add_years(OFF_TRACK)
    target = _target()
    forum = Forum.objects.create(name="IT-forum")
    _measure(forum, 1, Status.DONE, -20_000, dt.date(2020, 1, 1), title="Nattsläckning")
    html = login(town.users["sustainability_lead"]).get(target.get_absolute_url()).text
    follow = html[html.index("Genomförda åtgärder: förväntat och uppmätt") :]
    assert "2019–2025" in follow
    assert "−20\xa0000" in follow
    assert "många orsaker utöver åtgärden" in follow


def test_without_measures_the_page_says_what_to_do(town, login):
    add_years(OFF_TRACK)
    target = _target()
    html = login(town.users["sustainability_lead"]).get(target.get_absolute_url()).text
    assert "Ingen åtgärd väntas ännu påverka detta nyckeltal" in html

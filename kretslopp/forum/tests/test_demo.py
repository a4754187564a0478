"""The demo city's forum: the register the issue describes, in every phase."""

from __future__ import annotations

import datetime as dt

import pytest

from kretslopp.demo import loader
from kretslopp.demo.history import REFERENCE_DATE
from kretslopp.forum import lifecycle
from kretslopp.forum.models import Escalation, ExpectedEffect, Forum, Measure, Status


@pytest.mark.django_db
def test_the_demo_forum_with_its_supplier_meetings_and_fifteen_measures():
    loader.load(assets=2000, seed=7)
    forum = Forum.objects.get()
    members = list(forum.members.all())
    assert len(members) == 5
    assert {m.organisation for m in members if m.external} == {"Norrsken IT-drift AB (demo)"}
    external = next(m for m in members if m.external and m.user_id)
    assert external.user.username == "leverantor" and not hasattr(external.user, "membership")
    days = sorted(forum.meetings.values_list("held_on", flat=True))
    assert len(days) == 8 and days[-1] - days[0] < dt.timedelta(days=2 * 366)
    measures = Measure.objects.filter(forum=forum)
    assert measures.count() == 15
    titles = " ".join(measures.values_list("title", flat=True)).lower()
    for words in (
        "märkta mobiler",
        "skrivarflottan",
        "livslängd",
        "servervirtualisering",
        "dubbelsidig",
    ):
        assert words in titles
    outcomes = sorted(Escalation.objects.values_list("outcome", "measure__status"))
    assert outcomes == [("approved", Status.IN_PROGRESS), ("rejected", Status.CANCELLED)]
    for escalation in Escalation.objects.select_related("measure"):
        assert "budgetbehov" in escalation.reason  # escalated for its budget
    open_measures = measures.exclude(status__in=lifecycle.FINAL)
    assert open_measures.filter(due_date__lt=REFERENCE_DATE).count() == 3
    kpis = set(ExpectedEffect.objects.values_list("kpi", flat=True))
    assert kpis == {"it_energy_kwh", "pages_printed"}
    assert set(measures.values_list("status", flat=True)) == set(Status.values)
    # the demo's own data obeys the rules: decided measures were within the mandate or approved
    for measure in measures.filter(decided_on__isnull=False):
        assert measure.decision_level == "forum" or measure.escalations.filter(outcome="approved")
    loader.load(assets=2000, seed=7, replace=True)
    assert Measure.objects.count() == 15

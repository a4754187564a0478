"""With the demo: the energy target page shows three lines — measured, forecast, forecast with
the decided measures — and says in words whether the target is met; the reminders list the
demo's overdue measures exactly."""

from __future__ import annotations

import json
import re

import pytest

from kretslopp.demo import loader
from kretslopp.demo.history import REFERENCE_DATE
from kretslopp.forum import lifecycle, reminders
from kretslopp.forum.models import Measure

pytestmark = pytest.mark.django_db


def test_the_demo_energy_target_shows_three_lines_and_the_verdict(client):
    from django.contrib.auth import get_user_model

    from kretslopp.energy.models import Target

    loader.load(assets=2000, seed=7)
    client.force_login(get_user_model().objects.get(username="hallbarhet"))
    target = Target.objects.get(kpi="it_energy_kwh", department=None)
    html = client.get(target.get_absolute_url()).content.decode()
    found = re.search(r'<script id="target-chart-spec" type="application/json">(.*?)</script>',
                      html, re.S)  # fmt: skip
    spec = json.loads(found.group(1))
    series = {row["series"] for layer in spec["layer"] for row in layer["data"]["values"]
              if "series" in row}  # fmt: skip
    assert {"Utfall", "Prognos", "Prognos med beslutade åtgärder"} <= series
    verdict = re.search(r'data-scenario="decided">([^<]*)<', html).group(1)
    assert verdict.startswith("Med de beslutade åtgärderna (")
    assert verdict.rstrip(".").endswith(("nås", "nås inte")) or "försiktiga" in verdict

    measures = Measure.objects.all()
    overdue = set(
        measures.exclude(status__in=lifecycle.FINAL)
        .exclude(status="postponed")
        .filter(due_date__lt=REFERENCE_DATE)
        .values_list("number", flat=True)
    )
    listed = {
        r.measure.number
        for r in reminders.due(on=REFERENCE_DATE)
        if r.kind == reminders.OVERDUE_MEASURE
    }
    assert listed == overdue and len(listed) == 3

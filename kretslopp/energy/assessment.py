"""A stored target with its actuals, assessed by :mod:`kretslopp.targets` — nothing re-derived.

The status, forecast, band and the cut still needed all come from ``targets.assess`` and
``targets.forecast``; this module only fetches the actuals, asks the engine for the forecast
of every remaining year (for the chart's band) and words the rule in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kretslopp import targets
from kretslopp.core.registry import registry
from kretslopp.energy import kpis
from kretslopp.energy.models import Target
from kretslopp.organisation.access import Access

STATUS_LABELS = {
    targets.Status.ON_TRACK: gettext_lazy("On track"),
    targets.Status.AT_RISK: gettext_lazy("At risk"),
    targets.Status.OFF_TRACK: gettext_lazy("Off track"),
    targets.Status.NO_DATA: gettext_lazy("No data"),
}

STAGE_LABELS = {
    "proposed": gettext_lazy("proposed"),
    "decided": gettext_lazy("decided"),
    "done": gettext_lazy("done"),
}


@dataclass(frozen=True)
class Share:
    """A department-bound reader's part of an organisation-wide KPI, year by year.

    The target stays the organisation's (assessed on its totals); this is what the reader's
    own departments contribute, so a coordinator sees both the city's course and their part.
    """

    label: str  # the department's name, or "your departments"
    values: dict[int, float]
    organisation: dict[int, float]

    def value(self, year: int | None) -> float | None:
        return None if year is None else self.values.get(year)

    def fraction(self, year: int | None) -> float | None:
        """The part of the organisation's figure of ``year`` (None where either is missing)."""
        whole = self.organisation.get(year) if year is not None else None
        part = self.value(year)
        if not whole or part is None:
            return None
        return part / whole


@dataclass(frozen=True)
class Measures:
    """The target's forecast with the measures registered in ``target_effects``.

    ``outlook`` holds the forecast with the decided measures and with the proposed ones as
    well (None without a forecast to add them to); ``follow_ups`` sets the measured KPI
    beside the expected effect of every done measure.
    """

    effects: tuple[targets.Effect, ...]
    outlook: targets.Outlook | None
    follow_ups: tuple[targets.FollowUp, ...]

    @property
    def counted(self) -> tuple[targets.Effect, ...]:
        """The effects that count in either forecast, decided ones first."""
        order = {"done": 0, "decided": 1, "proposed": 2}
        return tuple(sorted(self.effects, key=lambda e: (order[e.stage], e.start, e.label)))


@dataclass
class TargetView:
    target: Target
    definition: kpis.KpiDefinition
    actuals: kpis.Actuals
    engine_target: targets.Target
    assessment: targets.Assessment
    forecasts: dict[int, targets.Forecast]  # every year from the latest actual to the target
    share: Share | None = None  # a department-bound reader's part of an organisation target
    measures: Measures | None = None  # the forecast with measures (on the target's own page)

    @property
    def status(self) -> str:
        return str(self.assessment.status)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.assessment.status])

    @property
    def forecast(self) -> targets.Forecast:
        return self.assessment.forecast

    @property
    def latest_year(self) -> int | None:
        return self.assessment.latest_year

    @property
    def latest_value(self) -> float | None:
        return self.assessment.latest_value

    @property
    def share_latest_value(self) -> float | None:
        return self.share.value(self.latest_year) if self.share else None

    @property
    def share_latest_fraction(self) -> float | None:
        return self.share.fraction(self.latest_year) if self.share else None

    @property
    def change_since_baseline(self) -> float | None:
        if self.latest_value is None or not self.target.baseline_value:
            return None
        return self.latest_value / self.target.baseline_value - 1.0

    @property
    def forecast_note(self) -> str:
        """What the forecast rests on, in the user's language (the engine's note is English)."""
        fc = self.forecast
        if fc.points_used == 0:
            return _("No actual values yet: no forecast.")
        if fc.points_used == 1:
            return _("One year of actual values: no trend yet, so no forecast band.")
        if fc.points_used == 2:
            return _(
                "Two years of actual values: the forecast follows the trend through them, "
                "without a band (a band needs at least three years)."
            )
        return _("Trend of %(n)s years, %(rate)s a year; %(level)s prediction band.") % {
            "n": fc.points_used,
            "rate": ("+" if (fc.annual_rate or 0) > 0 else "−" if fc.annual_rate else "")
            + f"{number_format(abs(fc.annual_rate or 0) * 100, 1)} %",
            "level": f"{fc.level:.0%}",
        }

    def measures_verdicts(self) -> list[tuple[str, bool | None, str]]:
        """Whether the target is met with the decided measures (and with the proposed ones
        as well), in words: (scenario code, met, sentence) per forecast with measures."""
        found = self.measures.outlook if self.measures else None
        if found is None:
            return []
        scenarios = [("decided", found.decided)]
        if found.has_proposed:
            scenarios.append(("proposed", found.with_proposed))
        return [(code, sc.meets_target, self._verdict(code, sc)) for code, sc in scenarios]

    def _verdict(self, code: str, scenario: targets.Scenario) -> str:
        unit = self.definition.unit
        values = {
            "n": len(scenario.effects),
            "year": scenario.target_year,
            "value": f"{floatformat(scenario.point, '0g')} {unit}",
            "target": f"{floatformat(self.target.target_value, '0g')} {unit}",
        }
        if code == "decided":
            if scenario.meets_target:
                text = _(
                    "With the decided measures (%(n)s) the forecast for %(year)s is "
                    "%(value)s: the target of %(target)s is met."
                )
            else:
                text = _(
                    "With the decided measures (%(n)s) the forecast for %(year)s is "
                    "%(value)s: the target of %(target)s is not met."
                )
        elif scenario.meets_target:
            text = _(
                "With the proposed measures as well (%(n)s in all) the forecast for %(year)s "
                "is %(value)s: the target of %(target)s is met."
            )
        else:
            text = _(
                "With the proposed measures as well (%(n)s in all) the forecast for %(year)s "
                "is %(value)s: the target of %(target)s is not met."
            )
        sentence = text % values
        if scenario.meets_target and scenario.meets_target_cautious is False:
            worst = (
                scenario.upper if self.engine_target.direction == "decrease" else scenario.lower
            )[scenario.target_year]
            sentence += " " + _(
                "At the cautious end of the estimates (%(value)s) it is not met."
            ) % {"value": f"{floatformat(worst, '0g')} {unit}"}
        if scenario.floored:
            sentence += " " + _(
                "The forecast with measures is held at zero where it would fall below."
            )
        return sentence

    def rule_lines(self) -> list[tuple[str, str]]:
        """The status rule in the user's language, one sentence per status."""
        return rule_lines(self.assessment.rule, self.engine_target.direction)

    def checks(self) -> list[tuple[str, bool | None]]:
        """The two checks behind the status and whether each holds (None: not possible)."""
        a = self.assessment
        result: list[tuple[str, bool | None]] = []
        if a.latest_year is not None:
            result.append(
                (
                    _("Latest value (%(year)s) is on or better than the trajectory")
                    % {"year": a.latest_year},
                    a.latest_on_trajectory,
                )
            )
        result.append(
            (
                _("Forecast for %(year)s meets the target") % {"year": self.target.target_year},
                a.forecast_meets_target,
            )
        )
        if a.band_straddles_target is not None or a.rule.band_must_clear_target:
            # Without a band (fewer than three years) the rule's band check cannot hold yet.
            clear = None if a.band_straddles_target is None else not a.band_straddles_target
            result.append(
                (
                    _("The %(level)s forecast band stays clear of the target")
                    % {"level": f"{a.rule.level:.0%}"},
                    clear,
                )
            )
        return result

    def required_change(self) -> str:
        """The change still needed per year, worded in the target's direction.

        The engine's rate is signed (−0.07: cut 7 % a year). A positive rate on a reduction
        target means the latest value is already below the target: no cut is needed, and a
        bare "+13 %" would read as a required increase.
        """
        rate = self.assessment.required_annual_change
        if rate is None:
            return "–"
        percent = floatformat(abs(rate) * 100, 1)
        if self.engine_target.direction == "decrease":
            if rate < 0:
                return _("cut %(percent)s %% a year") % {"percent": percent}
            return _("none, already at or below the target")
        if rate > 0:
            return _("raise %(percent)s %% a year") % {"percent": percent}
        return _("none, already at or above the target")

    def required_change_short(self) -> str:
        """The same for a table column headed "per year": the signed rate while a change is
        still needed (−7,0 % reads as a cut), "none" once the target is beaten."""
        rate = self.assessment.required_annual_change
        if rate is None:
            return "–"
        needed = rate < 0 if self.engine_target.direction == "decrease" else rate > 0
        if not needed:
            return _("none: target beaten")
        sign = "−" if rate < 0 else "+"
        return f"{sign}{floatformat(abs(rate) * 100, 1)} %"


def rule_lines(rule: targets.StatusRule, direction: str) -> list[tuple[str, str]]:
    side = _("at or below") if direction == "decrease" else _("at or above")
    level = f"{rule.level:.0%}"
    band = (
        _(", and the whole %(level)s forecast band meets it") % {"level": level}
        if rule.band_must_clear_target
        else ""
    )
    straddle = (
        _(
            ", or both hold but the %(level)s forecast band reaches past the target or there "
            "is no band yet"
        )
        % {"level": level}
        if rule.band_must_clear_target
        else ""
    )
    return [
        (
            str(targets.Status.ON_TRACK),
            _(
                "On track: the latest value is %(side)s the trajectory for its year, and the "
                "forecast for the target year meets the target%(band)s."
            )
            % {"side": side, "band": band},
        ),
        (
            str(targets.Status.AT_RISK),
            _(
                "At risk: only one of these holds (latest value on the trajectory; forecast "
                "meets the target)%(straddle)s."
            )
            % {"straddle": straddle},
        ),
        (str(targets.Status.OFF_TRACK), _("Off track: neither holds.")),
    ]


def visible_targets(access: Access) -> QuerySet:
    """The targets a reader sees: their departments' and the organisation's own."""
    return access.scope_with_organisation_wide(Target.objects.select_related("department"))


def view_for(target: Target, access: Access, memo: dict | None = None) -> TargetView:
    """Assess one target on its own figures (``memo``: per-request reuse).

    A department's target is assessed on that department's actuals. An organisation-wide
    target is assessed on the organisation's totals whoever reads it (the target is about
    the whole city); a department-bound reader also gets their own departments' part.
    """
    memo = {} if memo is None else memo
    definition = kpis.get(target.kpi)
    organisation_wide = target.department_id is None
    figures = access.for_organisation_totals() if organisation_wide else access
    actuals = definition.actuals(figures, target.department_id, memo)
    engine_target = target.as_engine_target(definition)
    observations = {y: v for y, v in actuals.values.items() if y >= target.baseline_year}
    assessment = targets.assess(engine_target, observations)
    forecasts: dict[int, targets.Forecast] = {}
    if assessment.latest_year is not None:
        for year in range(assessment.latest_year, target.target_year + 1):
            forecasts[year] = targets.forecast(observations, year, level=assessment.rule.level)
    share = None
    if organisation_wide and not access.all_departments:
        own = definition.actuals(access, None, memo)
        share = Share(departments_label(access, memo), own.values, actuals.values)
    return TargetView(target, definition, actuals, engine_target, assessment, forecasts, share)


def effects_on(target: Target, user: Any) -> list[targets.Effect]:
    """Every registered provider's expected effects on this target's KPI and department."""
    found: list[targets.Effect] = []
    for entry in registry.target_effects:
        found.extend(entry.effects(user, target.kpi, target.department_id))
    return found


def with_measures(view: TargetView, user: Any) -> TargetView:
    """``view`` with its forecast with measures added (only the target's own page asks).

    ``user`` is the reader: the providers name and link only the measures they may read.
    """
    effects = tuple(effects_on(view.target, user))
    if not effects:
        return view
    latest = view.assessment.latest_year
    found: targets.Outlook | None = None
    if latest is not None and view.forecast.points_used >= 2:
        base = {year: fc.point for year, fc in view.forecasts.items()}
        found = targets.outlook(view.engine_target, base, effects, since_year=latest)
    observed = {y: v for y, v in view.actuals.values.items() if y >= view.target.baseline_year}
    follow_ups = tuple(targets.follow_up(e, observed) for e in effects if e.stage == "done")
    view.measures = Measures(effects, found, follow_ups)
    return view


def departments_label(access: Access, memo: dict) -> str:
    """How a department-bound reader's departments are named: one by its name, else together."""
    if "departments_label" not in memo:
        names = list(access.departments().values_list("name", flat=True)[:2])
        memo["departments_label"] = names[0] if len(names) == 1 else _("your departments")
    return memo["departments_label"]

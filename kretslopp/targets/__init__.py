"""Targets for every KPI: trajectory, forecast with a band, status and the cut still needed.

Plain Python, no Django: the energy, printing and procurement apps store a :class:`Target`'s
fields and their yearly observations, and call :func:`assess` to get what the page shows.
The method is documented in docs/methodology.md ("Targets, trajectories and forecasts").

    target = Target.from_change("it_energy_kwh", 2019, 4_200_000, years=10, change_fraction=-0.30)
    result = assess(target, {2019: 4.2e6, 2020: 4.0e6, 2021: 3.9e6, 2022: 3.7e6})
    result.status, result.forecast.point, result.required_annual_change

Measures' expected effects are added to a forecast by :func:`outlook` (see ``effects``).
"""

from .effects import (
    DECIDED,
    STAGES,
    WITH_PROPOSED,
    Effect,
    FollowUp,
    Outlook,
    Scenario,
    Stage,
    follow_up,
    outlook,
    share_in_place,
    with_effects,
)
from .forecast import DEFAULT_LEVEL, METHOD, Forecast, forecast
from .model import (
    DIRECTIONS,
    TRAJECTORIES,
    Direction,
    Observations,
    Target,
    Trajectory,
    required_annual_change,
)
from .status import DEFAULT_RULE, Assessment, Status, StatusRule, assess
from .tdist import t_central_probability, t_two_sided_quantile

__all__ = [
    "DECIDED",
    "STAGES",
    "WITH_PROPOSED",
    "Effect",
    "FollowUp",
    "Outlook",
    "Scenario",
    "Stage",
    "follow_up",
    "outlook",
    "share_in_place",
    "with_effects",
    "DEFAULT_LEVEL",
    "DEFAULT_RULE",
    "DIRECTIONS",
    "METHOD",
    "TRAJECTORIES",
    "Assessment",
    "Direction",
    "Forecast",
    "Observations",
    "Status",
    "StatusRule",
    "Target",
    "Trajectory",
    "assess",
    "forecast",
    "required_annual_change",
    "t_central_probability",
    "t_two_sided_quantile",
]

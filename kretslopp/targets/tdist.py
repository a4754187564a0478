"""Student's t quantiles without SciPy.

The forecast band needs one number: the two-sided t quantile for ``n - 2`` degrees of freedom.
SciPy is not a dependency (the engine stays small and installs on a closed network), so we
compute it here. For whole degrees of freedom the t distribution's central probability
``A(t | v) = P(|T| <= t)`` has a closed form as a finite trigonometric sum (Abramowitz and
Stegun, *Handbook of Mathematical Functions*, 26.7.3 and 26.7.4); we evaluate that sum and
invert it by bisection, which is exact to floating-point precision — no table and no
approximation error. Above 1,000 degrees of freedom the normal quantile is used (the
difference is below 1e-3 of the value).
"""

from __future__ import annotations

import math

_NORMAL_ABOVE_DF = 1000
_BISECTIONS = 200


def t_central_probability(t: float, df: int) -> float:
    """``P(|T| <= t)`` for Student's t with ``df`` (a positive whole number) degrees of freedom."""
    if df < 1 or int(df) != df:
        raise ValueError(f"degrees of freedom must be a positive whole number, not {df!r}")
    if t <= 0:
        return 0.0
    if math.isinf(t):
        return 1.0
    theta = math.atan(t / math.sqrt(df))
    sin, cos = math.sin(theta), math.cos(theta)
    cos2 = cos * cos
    if df % 2 == 1:  # odd: 2/pi * (theta + sin * (cos + 2/3 cos^3 + (2*4)/(3*5) cos^5 + ...))
        if df == 1:
            return 2.0 * theta / math.pi
        term = cos
        total = term
        for k in range(3, df - 1, 2):  # coefficient (k-1)/k times cos^2 each step
            term *= cos2 * (k - 1) / k
            total += term
        return min(1.0, 2.0 / math.pi * (theta + sin * total))
    # even: sin * (1 + 1/2 cos^2 + (1*3)/(2*4) cos^4 + ...)
    term = 1.0
    total = term
    for k in range(2, df - 1, 2):  # coefficient (k-1)/k times cos^2 each step
        term *= cos2 * (k - 1) / k
        total += term
    return min(1.0, sin * total)


def normal_central_probability(z: float) -> float:
    """``P(|Z| <= z)`` for the standard normal distribution."""
    return math.erf(z / math.sqrt(2.0)) if z > 0 else 0.0


def t_two_sided_quantile(level: float, df: int) -> float:
    """The ``t`` with ``P(|T| <= t) = level``: the multiplier of a central ``level`` interval.

    ``t_two_sided_quantile(0.80, 10)`` is the 90th percentile of t with 10 degrees of freedom
    (1.3722). Raises ``ValueError`` for a level outside (0, 1).
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"the level must be between 0 and 1, not {level!r}")
    if df > _NORMAL_ABOVE_DF:
        probability = normal_central_probability
    else:

        def probability(t: float) -> float:
            return t_central_probability(t, df)

    low, high = 0.0, 1.0
    while probability(high) < level:
        high *= 2.0
    for _ in range(_BISECTIONS):
        middle = (low + high) / 2.0
        if probability(middle) < level:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * high:
            break
    return (low + high) / 2.0

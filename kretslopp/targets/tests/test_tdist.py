"""The t quantile matches published table values and the distribution's known properties."""

from __future__ import annotations

import math

import pytest

from kretslopp.targets.tdist import t_central_probability, t_two_sided_quantile

# Two-sided multipliers from standard t tables (90th and 97.5th percentiles).
TABLE = [
    (0.80, 1, 3.0777),
    (0.80, 2, 1.8856),
    (0.80, 3, 1.6377),
    (0.80, 5, 1.4759),
    (0.80, 8, 1.3968),
    (0.80, 10, 1.3722),
    (0.80, 30, 1.3104),
    (0.95, 1, 12.7062),
    (0.95, 4, 2.7764),
    (0.95, 10, 2.2281),
    (0.95, 120, 1.9799),
    (0.99, 7, 3.4995),
]


@pytest.mark.parametrize(("level", "df", "expected"), TABLE)
def test_matches_table(level: float, df: int, expected: float) -> None:
    assert t_two_sided_quantile(level, df) == pytest.approx(expected, abs=1e-4)


def test_large_df_tends_to_the_normal() -> None:
    assert t_two_sided_quantile(0.95, 5000) == pytest.approx(1.95996, abs=1e-3)
    assert t_two_sided_quantile(0.95, 1000) == pytest.approx(1.9623, abs=1e-3)


def test_central_probability_is_monotone_and_bounded() -> None:
    for df in (1, 2, 3, 9, 40):
        values = [t_central_probability(t / 10, df) for t in range(0, 200)]
        # monotone up to rounding near 1
        assert all(b >= a - 1e-12 for a, b in zip(values, values[1:], strict=False))
        assert 0.0 <= values[0] <= values[-1] <= 1.0
        assert t_central_probability(math.inf, df) == 1.0


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        t_two_sided_quantile(1.2, 4)
    with pytest.raises(ValueError):
        t_central_probability(1.0, 0)

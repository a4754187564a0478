"""Lifetime-extension scenarios: what keeping a category N years longer changes each year.

Steady state: an installed base of ``n`` devices replaced every ``L`` years needs ``n / L``
purchases a year and carries ``n × embodied / L`` kg CO2e of embodied emissions a year.
Keeping them ``L + N`` years gives ``n / (L + N)`` and ``n × embodied / (L + N)``. The use
phase is unchanged: the same number of devices run every year (the sources give no figure for
how energy use changes with age, so none is assumed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .factors import DEFAULT_FACTOR_SET, get_factor_set
from .figure import Figure
from .grid import DEFAULT_GRID, grid_factor
from .taxonomy import check_category


@dataclass(frozen=True, slots=True)
class LifetimeScenario:
    """Before/after figures per year for one category kept longer."""

    category: str
    factor_set: str
    installed_base: float
    lifetime_years_before: float
    lifetime_years_after: float
    purchases_per_year_before: float
    purchases_per_year_after: float
    embodied_kg_co2e_per_year_before: float
    embodied_kg_co2e_per_year_after: float
    embodied_kg_co2e_per_year_min_before: float
    embodied_kg_co2e_per_year_min_after: float
    embodied_kg_co2e_per_year_max_before: float
    embodied_kg_co2e_per_year_max_after: float
    use_kg_co2e_per_year: float
    grid: str
    year: int

    @property
    def embodied_before(self) -> Figure:
        """Embodied kg CO2e a year today, with its range, as one figure."""
        return Figure(
            self.embodied_kg_co2e_per_year_before, "kg CO2e per year",
            self.embodied_kg_co2e_per_year_min_before, self.embodied_kg_co2e_per_year_max_before,
        )  # fmt: skip

    @property
    def embodied_after(self) -> Figure:
        """Embodied kg CO2e a year with the devices kept longer, with its range."""
        return Figure(
            self.embodied_kg_co2e_per_year_after, "kg CO2e per year",
            self.embodied_kg_co2e_per_year_min_after, self.embodied_kg_co2e_per_year_max_after,
        )  # fmt: skip

    @property
    def purchases_per_year_change(self) -> float:
        return self.purchases_per_year_after - self.purchases_per_year_before

    @property
    def embodied_kg_co2e_per_year_change(self) -> float:
        return self.embodied_kg_co2e_per_year_after - self.embodied_kg_co2e_per_year_before

    @property
    def total_kg_co2e_per_year_before(self) -> float:
        return self.embodied_kg_co2e_per_year_before + self.use_kg_co2e_per_year

    @property
    def total_kg_co2e_per_year_after(self) -> float:
        return self.embodied_kg_co2e_per_year_after + self.use_kg_co2e_per_year

    @property
    def total_change_share(self) -> float:
        """Relative change of annual CO2e (embodied + use), e.g. -0.25 for a quarter less."""
        before = self.total_kg_co2e_per_year_before
        return (self.total_kg_co2e_per_year_after - before) / before if before else 0.0

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            name: getattr(self, name)
            for name in self.__dataclass_fields__  # type: ignore[attr-defined]
        }
        out.update(
            purchases_per_year_change=self.purchases_per_year_change,
            embodied_kg_co2e_per_year_change=self.embodied_kg_co2e_per_year_change,
            total_kg_co2e_per_year_before=self.total_kg_co2e_per_year_before,
            total_kg_co2e_per_year_after=self.total_kg_co2e_per_year_after,
            total_change_share=self.total_change_share,
        )
        return out


def lifetime_extension(
    category: str,
    installed_base: float,
    extra_years: float,
    *,
    factor_set: str = DEFAULT_FACTOR_SET,
    grid: str = DEFAULT_GRID,
    year: int = 2024,
    lifetime_years: float | None = None,
    embodied_kg_co2e: float | None = None,
    kwh_per_year: float | None = None,
) -> LifetimeScenario:
    """Keep ``installed_base`` devices of ``category`` ``extra_years`` longer (steady state).

    Defaults come from the factor set; ``lifetime_years``/``embodied_kg_co2e``/``kwh_per_year``
    override them (e.g. the organisation's actual replacement cycle).
    """
    if extra_years < 0:
        raise ValueError("extra_years must be >= 0")
    if installed_base < 0:
        raise ValueError("installed_base must be >= 0")
    code = check_category(category)
    f = get_factor_set(factor_set)[code]
    life = float(lifetime_years) if lifetime_years is not None else f.lifetime_years
    if life <= 0:
        raise ValueError("lifetime_years must be > 0")
    after = life + extra_years
    emb = (
        (float(embodied_kg_co2e),) * 3
        if embodied_kg_co2e is not None
        else (f.embodied_kg_co2e, f.embodied_kg_co2e_min, f.embodied_kg_co2e_max)
    )
    kwh = float(kwh_per_year) if kwh_per_year is not None else f.kwh_per_year
    g = grid_factor(year, grid)
    return LifetimeScenario(
        category=code,
        factor_set=factor_set,
        installed_base=float(installed_base),
        lifetime_years_before=life,
        lifetime_years_after=after,
        purchases_per_year_before=installed_base / life,
        purchases_per_year_after=installed_base / after,
        embodied_kg_co2e_per_year_before=installed_base * emb[0] / life,
        embodied_kg_co2e_per_year_after=installed_base * emb[0] / after,
        embodied_kg_co2e_per_year_min_before=installed_base * emb[1] / life,
        embodied_kg_co2e_per_year_min_after=installed_base * emb[1] / after,
        embodied_kg_co2e_per_year_max_before=installed_base * emb[2] / life,
        embodied_kg_co2e_per_year_max_after=installed_base * emb[2] / after,
        use_kg_co2e_per_year=installed_base * kwh * g.kg_co2e_per_kwh,
        grid=grid,
        year=year,
    )


def fleet_lifetime_extension(
    installed_base: Mapping[str, float],
    extra_years: Mapping[str, float],
    **kwargs: object,
) -> dict[str, LifetimeScenario]:
    """:func:`lifetime_extension` for several categories at once (same keyword options)."""
    return {
        code: lifetime_extension(code, count, extra_years.get(code, 0.0), **kwargs)  # type: ignore[arg-type]
        for code, count in installed_base.items()
    }

"""Our category defaults beside the Boavizta API's archetypes and the ADEME figures they use.

The Boavizta API estimates an end-user device from an archetype: embodied impacts from the
ADEME Base IMPACTS / NegaOctet device data, and the use phase as ``avg_power × use_time_ratio
× 8,760 h`` (30 % of the hours of the year for terminals). Kretslopp's default set
(``pcf-median-2023``) takes both from manufacturers' PCF sheets instead (embodied share, and
the yearly typical energy consumption, TEC). :func:`category_comparison` puts the two side by
side from the shipped data files, so that the table in docs/methodology.md ("Our defaults
against Boavizta and ADEME") is reproduced by a test rather than typed, and every category
where they differ by more than :data:`FLAG_RATIO` is named.

Plain Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from .derive import ADEME_MAPPING, ademe_gwp, archetypes
from .factors import DEFAULT_FACTOR_SET, category_factors

#: The Boavizta archetype of each category the API has one for (terminal, professional use).
ARCHETYPE_MAPPING: dict[str, str] = {
    "laptop": "laptop-pro",
    "desktop": "desktop-pro",
    "monitor": "monitor-default",
    "smartphone": "smartphone-default",
    "tablet": "tablet-default",
}

#: Beyond this ratio either way, the doc must say why our source is the better estimate.
FLAG_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class CategoryComparison:
    """One category: our default against ADEME's embodied and Boavizta's use phase."""

    category: str
    embodied_kg_co2e: float
    ademe_kg_co2e: float | None
    kwh_per_year: float
    boavizta_kwh_per_year: float | None

    @property
    def embodied_ratio(self) -> float | None:
        """Our embodied figure over ADEME's (None where ADEME has no such device)."""
        return None if not self.ademe_kg_co2e else self.embodied_kg_co2e / self.ademe_kg_co2e

    @property
    def energy_ratio(self) -> float | None:
        """Boavizta's archetype kWh/year over our TEC-based figure."""
        if not self.boavizta_kwh_per_year or not self.kwh_per_year:
            return None
        return self.boavizta_kwh_per_year / self.kwh_per_year

    @property
    def flagged(self) -> tuple[str, ...]:
        """Which of ``embodied`` and ``energy`` differ by more than :data:`FLAG_RATIO`."""
        out = []
        for name, ratio in (("embodied", self.embodied_ratio), ("energy", self.energy_ratio)):
            if ratio is not None and not (1 / FLAG_RATIO <= ratio <= FLAG_RATIO):
                out.append(name)
        return tuple(out)


def category_comparison(factor_set: str = DEFAULT_FACTOR_SET) -> list[CategoryComparison]:
    """Every category ADEME or a Boavizta archetype covers, in ``ADEME_MAPPING`` order."""
    gwp = ademe_gwp()
    profiles = archetypes()
    categories = list(dict.fromkeys([*ADEME_MAPPING, *ARCHETYPE_MAPPING]))
    rows = []
    for category in categories:
        factors = category_factors(category, factor_set)
        ademe_key = ADEME_MAPPING.get(category)
        archetype = ARCHETYPE_MAPPING.get(category)
        rows.append(
            CategoryComparison(
                category=category,
                embodied_kg_co2e=factors.embodied.value,
                ademe_kg_co2e=gwp.get(ademe_key) if ademe_key else None,
                kwh_per_year=factors.energy.value,
                boavizta_kwh_per_year=profiles[archetype].kwh_per_year if archetype else None,
            )
        )
    return rows


def fleet_comparison(
    counts: dict[str, int], factor_set: str = DEFAULT_FACTOR_SET
) -> dict[str, float]:
    """One fleet (devices per category) costed both ways, over the categories both cover.

    Returns embodied kg CO2e (ours, ADEME) and kWh/year (ours, Boavizta) for the same
    devices, so the whole fleet's difference is stated, not only each category's.
    """
    totals = {"embodied_ours": 0.0, "embodied_ademe": 0.0, "kwh_ours": 0.0, "kwh_boavizta": 0.0}
    for row in category_comparison(factor_set):
        n = counts.get(row.category, 0)
        if row.ademe_kg_co2e is not None:
            totals["embodied_ours"] += n * row.embodied_kg_co2e
            totals["embodied_ademe"] += n * row.ademe_kg_co2e
        if row.boavizta_kwh_per_year is not None:
            totals["kwh_ours"] += n * row.kwh_per_year
            totals["kwh_boavizta"] += n * row.boavizta_kwh_per_year
    return totals

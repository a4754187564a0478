"""Small builders for the tendering tests: one place that knows the inputs' shape."""

from __future__ import annotations

import datetime as dt

from kretslopp.tendering import OfferLine, ProcurementParameters

EVALUATION_DAY = dt.date(2025, 3, 1)


def parameters(**overrides) -> ProcurementParameters:
    values = {
        "units": 100,
        "lifetime_years": 4,
        "discount_rate": "0.03",
        "electricity_price_sek_per_kwh": "1.50",
        "grid_kg_co2e_per_kwh": "0.045",
        "evaluation_date": EVALUATION_DAY,
        "price_basis": "lcc",
        "price_weight": "60",
        "default_embodied": {
            "laptop": {"kg_co2e": "300", "source": "test factor set, laptop"},
            "smartphone": {"kg_co2e": "55", "source": "test factor set, smartphone"},
        },
    }
    values.update(overrides)
    return ProcurementParameters(**values)


def line(line_id: str = "1", **overrides) -> OfferLine:
    values = {
        "bidder": "Leverantör A",
        "line_id": line_id,
        "lot": "laptop",
        "category": "laptop",
        "manufacturer": "Tillverkare",
        "model": f"Modell {line_id}",
        "price_per_unit_sek": "9000.00",
        "tec_kwh_per_year": "20",
    }
    values.update(overrides)
    return OfferLine(**values)


def certificate(scheme: str = "tco-certified", tier: str = "generation-10", **overrides):
    values = {
        "scheme_id": scheme,
        "tier": tier,
        "number": "C-1",
        "valid_to": EVALUATION_DAY + dt.timedelta(days=365),
    }
    values.update(overrides)
    return values

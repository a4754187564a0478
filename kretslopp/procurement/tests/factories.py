"""Records for the procurement tests: the methodology's worked example, stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from kretslopp.procurement.models import (
    Criterion,
    CriterionUse,
    Offer,
    OfferLine,
    Procurement,
    Supplier,
)
from kretslopp.procurement.seeding import seed_library


def ensure_library() -> None:
    """The shipped library, also after a transactional test emptied the tables."""
    if not Criterion.objects.exists():
        seed_library()


def worked_example(reference: str = "KS-2025-0042") -> Procurement:
    """The procurement of docs/methodology.md's worked example, without offers."""
    ensure_library()
    procurement = Procurement.objects.create(
        reference=reference,
        title="Bärbara datorer",
        product_group="computers",
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2029, 5, 31),
        units=3000,
        lifetime_years=4,
        discount_rate=Decimal("0.03"),
        sek_per_kwh=Decimal("1.50"),
        grid_kg_co2e_per_kwh=Decimal("0.045"),
        shadow_price_sek_per_tonne=Decimal("1200"),
        price_basis="lcc",
        price_weight=Decimal("60"),
        evaluation_date=dt.date(2025, 3, 1),
    )
    uses = [
        ("upph-11185", 0, 0, {}),
        ("upph-11169", 10, 300, {}),
        ("upph-11189", 10, 400, {"minimum_warranty_years": "3"}),
        ("upph-11193", 10, 250, {}),
    ]
    for order, (criterion_id, max_points, deduction, parameters) in enumerate(uses):
        criterion = Criterion.objects.get(criterion_id=criterion_id)
        CriterionUse.objects.create(
            procurement=procurement,
            criterion=criterion,
            type=criterion.type,
            max_points=max_points,
            deduction_sek=deduction,
            parameters=parameters,
            order=order,
        )
    return procurement


def add_line(procurement: Procurement, bidder: str = "Exempel AB", **values) -> OfferLine:
    """A line of ``bidder``'s offer; by default the worked example's laptop."""
    supplier, _ = Supplier.objects.get_or_create(name=bidder)
    offer, _ = Offer.objects.get_or_create(procurement=procurement, supplier=supplier)
    fields = {
        "line_id": "1",
        "lot": "laptop",
        "category": "laptop",
        "manufacturer": "Tillverkare",
        "model": "Bärbar 14",
        "price_per_unit_sek": Decimal("9490.00"),
        "tec_kwh_per_year": Decimal("18.5"),
        "etec_limit_kwh_per_year": Decimal("30.0"),
        "warranty_years": 5,
        "battery_cycles": 1000,
        "spare_part_years": 5,
        "pcf_kg_co2e": Decimal("265.4"),
        "pcf_standard": "ISO 14067",
        **values,
    }
    return OfferLine.objects.create(offer=offer, **fields)


FIXTURES = Path(__file__).resolve().parent / "fixtures" / "offers"
BIDDER_FILES = ("alfa", "bravo", "cirkel", "delta")


def laptops_and_mobiles(reference: str = "KS-2025-0100") -> Procurement:
    """3 000 laptops and 1 200 mobiles with the criteria the fixtures' forms answer."""
    ensure_library()
    procurement = Procurement.objects.create(
        reference=reference,
        title="Bärbara datorer och mobiltelefoner",
        product_group="computers",
        period_start=dt.date(2025, 9, 1),
        period_end=dt.date(2029, 8, 31),
        units=3000,
        units_by_lot={"laptop": 3000, "mobile": 1200},
        lifetime_years=4,
        discount_rate=Decimal("0.03"),
        sek_per_kwh=Decimal("1.50"),
        grid_kg_co2e_per_kwh=Decimal("0.045"),
        shadow_price_sek_per_tonne=Decimal("1200"),
        price_basis="lcc",
        price_weight=Decimal("60"),
        evaluation_date=dt.date(2025, 6, 1),
    )
    uses = [
        ("upph-11185", 0, 0, {}),
        ("upph-11169", 10, 300, {}),
        ("upph-11189", 10, 400, {"minimum_warranty_years": "3"}),
        ("upph-11193", 10, 250, {}),
        ("own-pcf-declared", 5, 100, {}),
    ]
    for order, (criterion_id, max_points, deduction, parameters) in enumerate(uses):
        criterion = Criterion.objects.get(criterion_id=criterion_id)
        CriterionUse.objects.create(
            procurement=procurement, criterion=criterion, type=criterion.type,
            max_points=max_points, deduction_sek=deduction, parameters=parameters, order=order,
        )  # fmt: skip
    return procurement

"""The rules of labels over time, without a database."""

import datetime as dt
from decimal import Decimal

from kretslopp.procurement.labelwatch import (
    Certificate,
    Purchase,
    carries,
    covered_until,
    lapses,
    shares,
)

D = dt.date
START, END = D(2025, 1, 1), D(2027, 12, 31)


def tco(valid_from, valid_until, number="TCO-1"):
    return Certificate("tco_certified", "Generation 9", number, valid_from, valid_until)


def test_a_certificate_expiring_during_the_contract_warns():
    (lapse,) = lapses([tco(D(2024, 1, 1), D(2026, 6, 30))], START, END)
    assert lapse.scheme == "tco_certified"
    assert lapse.certificate_id == "TCO-1"
    assert lapse.lapses_on == D(2026, 7, 1)
    assert lapse.days_uncovered == (END - D(2026, 7, 1)).days + 1
    assert not lapse.already(D(2026, 6, 30))
    assert lapse.already(D(2026, 7, 1))


def test_a_certificate_valid_to_the_contract_end_does_not_warn():
    assert lapses([tco(D(2024, 1, 1), END)], START, END) == []
    assert lapses([tco(D(2024, 1, 1), None)], START, END) == []


def test_a_renewal_without_gap_keeps_the_label_and_a_gap_is_a_lapse():
    renewed = [tco(D(2024, 1, 1), D(2025, 12, 31)), tco(D(2026, 1, 1), D(2028, 1, 1), "TCO-2")]
    assert lapses(renewed, START, END) == []
    gap = [tco(D(2024, 1, 1), D(2025, 12, 31)), tco(D(2026, 2, 1), D(2028, 1, 1), "TCO-2")]
    (lapse,) = lapses(gap, START, END)
    assert lapse.lapses_on == D(2026, 1, 1)


def test_a_label_not_held_at_the_start_is_not_watched():
    assert lapses([tco(D(2025, 6, 1), D(2025, 12, 31))], START, END) == []


def test_covered_until_before_the_start_when_not_covered():
    assert covered_until([], "tco_certified", START) == START - dt.timedelta(days=1)


def test_carries_on_the_purchase_day_only():
    certificates = [tco(D(2024, 1, 1), D(2024, 12, 31))]
    assert carries(certificates, "tco_certified", D(2024, 12, 31))
    assert not carries(certificates, "tco_certified", D(2025, 1, 1))
    assert not carries(certificates, "epeat", D(2024, 6, 1))


def test_shares_in_units_and_sek_per_year():
    result = shares(
        [
            Purchase(2024, Decimal("1000"), True),
            Purchase(2024, Decimal("3000"), False),
            Purchase(2024, None, True),
            Purchase(2025, Decimal("500"), True),
        ]
    )
    assert result[2024].units == 3
    assert result[2024].labelled_units == 2
    assert result[2024].units_percent == 200 / 3
    assert result[2024].sek_percent == 25.0
    assert result[2024].units_without_price == 1
    assert result[2025].units_percent == 100.0

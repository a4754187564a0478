"""Labels over time: certificates that lapse during a contract, and the labelled share.

Plain functions over plain values, so the rules are tested without a database and the
same rule serves the page, the API route and the ``kretslopp procurement-labels`` command.

* A model's label *covers* a date when one of its certificates of that scheme is valid on
  it (no end date: valid until withdrawn). A certificate renewed on time therefore keeps the
  label; a gap between two certificates is a lapse from the first one's end.
* A model under an active contract *loses* a label when its last certificate of a scheme it
  held at the contract's start ends before the contract does: TCO Development warns buyers
  about exactly that, since the supplier may go on delivering the model uncertified.
* A purchase *carries* a label when its model's certificate of that scheme covered the day
  it was bought; the share is counted in units and in SEK per calendar year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Certificate:
    """One certificate of a label scheme held by a catalogue model."""

    scheme: str
    level: str = ""
    certificate_id: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True, slots=True)
class Lapse:
    """A label a model loses while a contract still runs."""

    scheme: str
    level: str
    certificate_id: str
    lapses_on: dt.date  # the first day without a valid certificate
    contract_end: dt.date

    @property
    def days_uncovered(self) -> int:
        """Days of the contract left without the label (the first day counts)."""
        return (self.contract_end - self.lapses_on).days + 1

    def already(self, today: dt.date) -> bool:
        """Whether the label has already lapsed on ``today``."""
        return self.lapses_on <= today


def covered_until(certificates: Iterable[Certificate], scheme: str, start: dt.date):
    """The last day from ``start`` on that ``scheme`` is covered without a gap.

    Returns None when it is covered indefinitely, and the day before ``start`` when it is
    not covered on ``start`` at all.
    """
    own = sorted(
        (c for c in certificates if c.scheme == scheme),
        key=lambda c: c.valid_from or dt.date.min,
    )
    day = start
    last = start - dt.timedelta(days=1)
    progressed = True
    while progressed:
        progressed = False
        for certificate in own:
            if certificate.covers(day):
                if certificate.valid_until is None:
                    return None
                if certificate.valid_until >= day:
                    last = certificate.valid_until
                    day = last + dt.timedelta(days=1)
                    progressed = True
    return last


def lapses(
    certificates: Iterable[Certificate], contract_start: dt.date, contract_end: dt.date
) -> list[Lapse]:
    """Labels held on ``contract_start`` whose cover ends before ``contract_end``.

    A label the model did not hold when the contract began is not a promise the contract
    rests on, so it is not watched.
    """
    certificates = list(certificates)
    out = []
    for scheme in sorted({c.scheme for c in certificates}):
        held = [c for c in certificates if c.scheme == scheme and c.covers(contract_start)]
        if not held:
            continue
        last = covered_until(certificates, scheme, contract_start)
        if last is None or last >= contract_end:
            continue
        ending = max(held, key=lambda c: c.valid_until or dt.date.max)
        for certificate in certificates:
            if certificate.scheme == scheme and certificate.valid_until == last:
                ending = certificate
        out.append(
            Lapse(
                scheme=scheme,
                level=ending.level,
                certificate_id=ending.certificate_id,
                lapses_on=last + dt.timedelta(days=1),
                contract_end=contract_end,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Purchase:
    """Devices bought alike: the year, what the priced ones cost together, whether they
    carried the label then, how many, and how many of them had no price."""

    year: int
    price_sek: Decimal | None
    labelled: bool
    units: int = 1
    unpriced_units: int | None = None  # None: all of them when price_sek is None, else none

    @property
    def without_price(self) -> int:
        if self.unpriced_units is not None:
            return self.unpriced_units
        return self.units if self.price_sek is None else 0


@dataclass(frozen=True, slots=True)
class Share:
    """The labelled share of one year's purchases, in units and in SEK."""

    year: int
    units: int
    labelled_units: int
    sek: Decimal
    labelled_sek: Decimal
    units_without_price: int

    @property
    def units_percent(self) -> float | None:
        return 100.0 * self.labelled_units / self.units if self.units else None

    @property
    def sek_percent(self) -> float | None:
        return float(100 * self.labelled_sek / self.sek) if self.sek else None


def carries(certificates: Iterable[Certificate], scheme: str, day: dt.date) -> bool:
    """Whether a certificate of ``scheme`` covered ``day``."""
    return any(c.scheme == scheme and c.covers(day) for c in certificates)


def shares(purchases: Iterable[Purchase]) -> dict[int, Share]:
    """The labelled share per year; a device without a price counts in units only."""
    totals: dict[int, list] = {}
    for purchase in purchases:
        entry = totals.setdefault(purchase.year, [0, 0, Decimal(0), Decimal(0), 0])
        entry[0] += purchase.units
        entry[1] += purchase.units if purchase.labelled else 0
        entry[4] += purchase.without_price
        if purchase.price_sek is not None:
            entry[2] += purchase.price_sek
            if purchase.labelled:
                entry[3] += purchase.price_sek
    return {
        year: Share(year, units, labelled, sek, labelled_sek, no_price)
        for year, (units, labelled, sek, labelled_sek, no_price) in sorted(totals.items())
    }

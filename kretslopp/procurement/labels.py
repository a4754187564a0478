"""Labels over time from the database: lapse warnings and the labelled share of purchases.

The rules are in :mod:`kretslopp.procurement.labelwatch`; this module feeds them the
contracts, the catalogue's label certificates (``inventory.ProductLabel``: number, valid
from, valid until) and the assets bought, and is the one place the page, the API route,
the ``kretslopp procurement-labels`` command and the KPIs read them from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kretslopp import targets
from kretslopp.core.memo import Memo, data_version
from kretslopp.inventory.models import (
    Asset,
    LabelScheme,
    ProductCategory,
    ProductLabel,
    ProductModel,
)
from kretslopp.inventory.summary import ASSETS_VERSION
from kretslopp.organisation.access import Access, Action
from kretslopp.procurement import deliveries, labelwatch

_memo = Memo(size=64, name="procurement.labels")
#: Years of purchases a page shows (the KPIs' actuals keep every year).
YEARS_SHOWN = 8
#: The label the purchase-share KPIs follow, and the categories they are kept for.
KPI_SCHEME = LabelScheme.TCO_CERTIFIED
KPI_CATEGORIES = (
    ProductCategory.SMARTPHONE,
    ProductCategory.LAPTOP,
    ProductCategory.TABLET,
    ProductCategory.MONITOR,
)


@dataclass(frozen=True)
class Warning:
    """A model under an active contract that loses a label before the contract ends."""

    contract: object  # procurement.Contract
    product_model: ProductModel
    lapse: labelwatch.Lapse

    @property
    def label_name(self) -> str:
        """The label as the reader calls it (“TCO Certified”), not its code."""
        try:
            return str(LabelScheme(self.lapse.scheme).label)
        except ValueError:
            return self.lapse.scheme

    def as_dict(self, today: dt.date) -> dict[str, object]:
        return {
            "contract": self.contract.reference,
            "contract_id": self.contract.pk,
            "contract_ends_on": self.lapse.contract_end.isoformat(),
            "product_model_id": self.product_model.pk,
            "product_model": str(self.product_model),
            "label": self.lapse.scheme,
            "level": self.lapse.level,
            "certificate_id": self.lapse.certificate_id,
            "lapses_on": self.lapse.lapses_on.isoformat(),
            "days_uncovered": self.lapse.days_uncovered,
            "already_lapsed": self.lapse.already(today),
        }


def may_read_contracts(access: Access) -> bool:
    """Procurement and the sustainability lead read every contract; a coordinator (or a
    viewer) reads the contracts of their departments' devices."""
    return access.can(Action.VIEW_PROCUREMENT) or access.can(Action.VIEW)


def readable_contracts(access: Access):
    """The contracts ``access`` may open."""
    from kretslopp.procurement.models import Contract

    if access.can(Action.VIEW_PROCUREMENT):
        return Contract.objects.all()
    if not access.can(Action.VIEW):
        return Contract.objects.none()
    return deliveries.contracts_of_assets(access)


def active_contracts(today: dt.date, contracts):
    """Contracts running on ``today`` that have an end date (else nothing can lapse before it)."""
    return contracts.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today), ends_on__gte=today)


def warnings(access: Access, today: dt.date | None = None) -> list[Warning]:
    """Every label lapse on an active contract that ``access`` may read, soonest first.

    A department-bound reader sees the models of their own devices only. Remembered while
    the assets, certificates and audited records (contracts, their orders) stay unchanged:
    the start page asks on every visit.
    """
    today = today or timezone.localdate()
    reach = (access.department_ids, access.can(Action.VIEW_PROCUREMENT))
    key = ("warnings", reach, today, labels_version())
    return _memo.get(key, lambda: _warnings(access, today))


def _warnings(access: Access, today: dt.date) -> list[Warning]:
    from kretslopp.procurement.models import ContractModel

    contracts = active_contracts(today, readable_contracts(access))
    rows = ContractModel.objects.filter(
        contract__in=contracts, product_model__isnull=False
    ).select_related("contract", "product_model__manufacturer")
    if not access.can(Action.VIEW_PROCUREMENT):
        own = access.scope(Asset.objects.all()).values("model_id")
        rows = rows.filter(product_model_id__in=own)
    rows = list(rows)
    certificates = deliveries.certificates_of({row.product_model_id for row in rows})
    out = []
    for row in rows:
        start = row.contract.starts_on or today
        for lapse in labelwatch.lapses(
            certificates[row.product_model_id], start, row.contract.ends_on
        ):
            out.append(Warning(row.contract, row.product_model, lapse))
    out.sort(key=lambda w: (w.lapse.lapses_on, w.contract.reference, str(w.product_model)))
    return out


def purchase_shares(
    access: Access,
    category: str,
    scheme: str = KPI_SCHEME,
    department_id: int | None = None,
    version: tuple | None = None,
) -> dict[int, labelwatch.Share]:
    """The share of ``category`` bought per year whose model carried ``scheme`` that day.

    The purchase date is the asset's purchase date, else its delivery date; an asset with
    neither is not a purchase we can place in a year and is left out. ``version``: the data
    version when the caller has read it already (one read for a page of categories).
    """
    version = labels_version() if version is None else version
    key = ("shares", category, scheme, access.department_ids, department_id, version)
    return _memo.get(key, lambda: _purchase_shares(access, category, scheme, department_id))


def labels_version() -> tuple:
    """Changes when assets or label certificates change (what the shares rest on).

    A certificate has no time stamp of its own; every change of one is on the audit trail,
    so the trail's latest entry stands for it.
    """
    from kretslopp.core.models import AuditEntry

    return data_version(*ASSETS_VERSION, (ProductLabel, "COUNT", "*"), (AuditEntry, "MAX", "id"))


def _purchase_shares(access, category, scheme, department_id) -> dict[int, labelwatch.Share]:
    assets = access.scope(Asset.objects.filter(model__category=category))
    if department_id is not None:
        assets = assets.filter(department_id=department_id)
    # Devices of one model bought on one day are alike: one row each, summed in SQL.
    groups = list(
        assets.filter(Q(purchase_date__isnull=False) | Q(delivery_date__isnull=False))
        .order_by()
        .values_list("model_id", "purchase_date", "delivery_date")
        .annotate(
            units=Count("pk"), sek=Sum("purchase_price_sek"), priced=Count("purchase_price_sek")
        )
    )
    certificates = deliveries.certificates_of({row[0] for row in groups})
    purchases = []
    for model_id, purchased, delivered, units, sek, priced in groups:
        day = purchased or delivered
        purchases.append(
            labelwatch.Purchase(
                day.year,
                Decimal(sek) if priced else None,
                labelwatch.carries(certificates[model_id], scheme, day),
                units=units,
                unpriced_units=units - priced,
            )
        )
    return labelwatch.shares(purchases)


@dataclass(frozen=True)
class Actuals:
    """Yearly KPI values and what they rest on (the shape every KPI's actuals share)."""

    values: dict[int, float]
    source: str
    data_quality: str


def complete_years(values: dict[int, float], today: dt.date | None = None) -> dict[int, float]:
    """Only calendar years that are over: a year in progress is not yet a share."""
    this_year = (today or timezone.localdate()).year
    return {year: value for year, value in values.items() if year < this_year}


def kpi_actuals(category: str, measure: str):
    """The ``actuals(access, department_id, memo)`` of one labelled-share KPI."""

    def actuals(access: Access, department_id: int | None, memo: dict) -> Actuals:
        key = ("procurement-shares", category, access.department_ids, department_id)
        if key not in memo:
            memo[key] = purchase_shares(access, category, department_id=department_id)
        shares = memo[key]
        values = {
            year: (share.units_percent if measure == "units" else share.sek_percent)
            for year, share in shares.items()
        }
        return Actuals(
            complete_years({y: v for y, v in values.items() if v is not None}),
            str(_("Assets bought per year, and the TCO Certified certificates of their models")),
            "high" if measure == "units" else "medium",
        )

    return actuals


def kpi_code(category: str, measure: str) -> str:
    """``tco_units_smartphone``: short enough for every store of KPI codes (≤ 30)."""
    return f"tco_{measure}_{category}"


def forecast_share(values: dict[int, float], year: int) -> targets.Forecast | None:
    """The share forecast for ``year`` (the targets package's method), or None if too few."""
    if len([v for v in values.values() if v > 0]) < 2:
        return None
    return targets.forecast(values, year)


@dataclass(frozen=True)
class ShareTable:
    """One category's labelled share, year by year, with the forecast of the coming years."""

    category: str
    label: str
    rows: list[labelwatch.Share]
    forecasts: list[tuple[int, float | None, float | None, float | None]]  # year, point, band
    current_year: int = 0  # its row is the year so far


def _capped(value: float | None) -> float | None:
    """A share cannot pass 100 %, whatever a growth curve says."""
    return None if value is None else min(value, 100.0)


def share_tables(access: Access, today: dt.date | None = None) -> list[ShareTable]:
    """The KPI categories' shares for a page, in units; SEK beside them in each row."""
    today = today or timezone.localdate()
    out = []
    version = labels_version()
    for category in KPI_CATEGORIES:
        shares = purchase_shares(access, category, version=version)
        if not shares:
            continue
        values = complete_years(
            {y: s.units_percent for y, s in shares.items() if s.units_percent is not None},
            today,
        )
        forecasts = []
        for year in (today.year, today.year + 1):
            forecast = forecast_share(values, year)
            if forecast is not None and forecast.point is not None:
                forecasts.append(
                    (
                        year,
                        _capped(forecast.point),
                        _capped(forecast.lower),
                        _capped(forecast.upper),
                    )
                )
        out.append(
            ShareTable(
                category=str(category),
                label=str(ProductCategory(category).label),
                rows=[s for y, s in shares.items() if y > today.year - YEARS_SHOWN],
                forecasts=forecasts,
                current_year=today.year,
            )
        )
    return out


def scheduled_warnings() -> str:
    """The periodic job (``kretslopp worker --with-schedule``): log every label lapse during
    an active contract, as ``kretslopp procurement_labels`` prints them, at warning level so
    the installation's log monitoring sees them."""
    import logging

    from kretslopp.organisation.models import Role

    today = timezone.localdate()
    found = warnings(Access(role=Role.ADMINISTRATOR, department_ids=None), today)
    log = logging.getLogger(__name__)
    for warning in found:
        row = warning.as_dict(today)
        log.warning(
            "label lapse: %s %s %s %s on %s, contract ends %s",
            row["contract"],
            row["product_model"],
            row["label"],
            row["certificate_id"] or "-",
            row["lapses_on"],
            row["contract_ends_on"],
        )
    return f"{len(found)} label lapses during active contracts"

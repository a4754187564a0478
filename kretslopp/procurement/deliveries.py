"""From a contract to its devices: what was delivered, with labels, footprint and end.

The devices are found through their order numbers (see
:mod:`kretslopp.procurement.models.deliveries`); every figure comes from the app that owns
it — the footprint from :mod:`kretslopp.carbon.services` (the organisation's active factor
set, with its data quality), the take-back outcomes from :mod:`kretslopp.circular` — and
is only summed here, per catalogue model. A department-bound reader (a coordinator) sees
only the devices of the departments in their scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from kretslopp.carbon import services as carbon
from kretslopp.circular.models import CampaignItem, Outcome
from kretslopp.inventory.models import Asset, ProductLabel, ProductModel
from kretslopp.organisation.access import Access
from kretslopp.procurement import labelwatch


def delivered(contract, access: Access | None = None) -> QuerySet[Asset]:
    """The assets bought on one of ``contract``'s order numbers or on its reference."""
    numbers = list(contract.orders.values_list("order_number", flat=True))
    numbers.append(contract.reference)
    assets = Asset.objects.filter(order_number__in=[n for n in numbers if n])
    return access.scope(assets) if access is not None else assets


def certificates_of(model_ids) -> dict[int, list[labelwatch.Certificate]]:
    """Every catalogue model's label certificates, as the label rules read them."""
    out: dict[int, list[labelwatch.Certificate]] = {pk: [] for pk in model_ids}
    for label in ProductLabel.objects.filter(product_model_id__in=model_ids):
        out[label.product_model_id].append(
            labelwatch.Certificate(
                scheme=label.scheme,
                level=label.level,
                certificate_id=label.certificate_id,
                valid_from=label.valid_from,
                valid_until=label.valid_until,
            )
        )
    return out


@dataclass
class ModelDelivery:
    """One catalogue model's devices under the contract."""

    product_model: ProductModel
    units: int
    labels: list[ProductLabel]
    embodied_kg_co2e_per_unit: float
    kwh_per_year_per_unit: float
    data_quality: str
    factor_set: str
    taken_back: int = 0

    @property
    def embodied_kg_co2e(self) -> float:
        return self.embodied_kg_co2e_per_unit * self.units

    @property
    def kwh_per_year(self) -> float:
        return self.kwh_per_year_per_unit * self.units


@dataclass
class ContractDevices:
    """Everything the contract page shows about its devices."""

    models: list[ModelDelivery]
    units: int
    sek: float
    first_delivery: dt.date | None
    last_delivery: dt.date | None
    taken_back: dict[str, int] = field(default_factory=dict)  # outcome label → units
    taken_back_units: int = 0

    @property
    def embodied_kg_co2e(self) -> float:
        return sum(row.embodied_kg_co2e for row in self.models)

    @property
    def kwh_per_year(self) -> float:
        return sum(row.kwh_per_year for row in self.models)


def contract_devices(contract, access: Access) -> ContractDevices:
    """The devices delivered under ``contract`` that ``access`` may see, summed per model."""
    assets = delivered(contract, access)
    per_model = dict(
        assets.order_by().values("model_id").annotate(n=Count("pk")).values_list("model_id", "n")
    )
    totals = assets.aggregate(
        sek=Sum("purchase_price_sek"),
        first=Min("delivery_date"),
        last=Max("delivery_date"),
    )
    items = CampaignItem.objects.filter(asset__in=assets)
    back_by_model = dict(
        items.order_by()
        .values("asset__model_id")
        .annotate(n=Count("pk"))
        .values_list("asset__model_id", "n")
    )
    outcomes = dict(
        items.exclude(outcome="")
        .order_by()
        .values("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    labels: dict[int, list[ProductLabel]] = {}
    for label in ProductLabel.objects.filter(product_model_id__in=per_model):
        labels.setdefault(label.product_model_id, []).append(label)
    choice = carbon.Choice.current()
    rows = []
    for product_model in ProductModel.objects.filter(pk__in=per_model).select_related(
        "manufacturer"
    ):
        figures = carbon.figures_for(product_model, choice)
        rows.append(
            ModelDelivery(
                product_model=product_model,
                units=per_model[product_model.pk],
                labels=labels.get(product_model.pk, []),
                embodied_kg_co2e_per_unit=figures.embodied_kg_co2e,
                kwh_per_year_per_unit=figures.kwh_per_year,
                data_quality=figures.data_quality,
                factor_set=figures.factor_set,
                taken_back=back_by_model.get(product_model.pk, 0),
            )
        )
    rows.sort(key=lambda row: (-row.units, str(row.product_model)))
    return ContractDevices(
        models=rows,
        units=sum(per_model.values()),
        sek=float(totals["sek"] or 0),
        first_delivery=totals["first"],
        last_delivery=totals["last"],
        taken_back={str(Outcome(code).label): n for code, n in sorted(outcomes.items()) if code},
        taken_back_units=sum(back_by_model.values()),
    )


def contracts_of_assets(access: Access):
    """Contracts under which devices of ``access``'s departments were delivered.

    What a coordinator may open: the contracts of their own devices, nothing else.
    """
    from kretslopp.procurement.models import Contract

    numbers = access.scope(Asset.objects.exclude(order_number="")).values("order_number")
    return Contract.objects.filter(
        Q(orders__order_number__in=numbers) | Q(reference__in=numbers)
    ).distinct()

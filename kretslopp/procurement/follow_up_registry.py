"""What contracts → devices, labels over time, supplier follow-up and sharing contribute to
the whole, registered from the app's ``ready()`` (see ``kretslopp/core/registry.py``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kretslopp.core.registry import (
    ApiRouterEntry,
    ImportTargetEntry,
    KpiEntry,
    NavigationEntry,
    Panel,
    lazy,
    registry,
)
from kretslopp.inventory.models import ProductCategory
from kretslopp.organisation.access import Action

#: The KPIs' names, per category and measure (lazy, so each reader gets their language).
KPI_LABELS = {
    ("smartphone", "units"): _("TCO Certified share of smartphones bought (units)"),
    ("smartphone", "sek"): _("TCO Certified share of smartphones bought (SEK)"),
    ("laptop", "units"): _("TCO Certified share of laptops bought (units)"),
    ("laptop", "sek"): _("TCO Certified share of laptops bought (SEK)"),
    ("tablet", "units"): _("TCO Certified share of tablets bought (units)"),
    ("tablet", "sek"): _("TCO Certified share of tablets bought (SEK)"),
    ("monitor", "units"): _("TCO Certified share of monitors bought (units)"),
    ("monitor", "sek"): _("TCO Certified share of monitors bought (SEK)"),
}


def label_panel(request: Any, access: Any, **subject: Any) -> dict[str, Any] | None:
    """The labelled share per category with its forecast, for those who answer for it."""
    from kretslopp.procurement import labels

    if not access.can(Action.VIEW_PROCUREMENT):
        return None
    tables = labels.share_tables(access)
    return {"shares": tables, "warnings": len(labels.warnings(access))}


def label_panel_version(request: Any, access: Any, **subject: Any) -> tuple:
    """What the panel's HTML depends on (see :class:`kretslopp.core.registry.Panel`): the
    reader's reach, the day (warnings and the current year) and the labels' data version."""
    from django.utils import timezone

    from kretslopp.procurement import labels

    reach = (access.department_ids, access.can(Action.VIEW_PROCUREMENT))
    return (reach, timezone.localdate(), labels.labels_version())


def _kpi_actuals(category: str, measure: str) -> Any:
    """The KPI's ``actuals``, loading the share computation (and numpy) on first use."""

    def actuals(access: Any, department_id: int | None, memo: dict) -> Any:
        from kretslopp.procurement import labels

        return labels.kpi_actuals(category, measure)(access, department_id, memo)

    return actuals


def register() -> None:
    # Only names here: what they load (the footprint engine, numpy, the import pipeline)
    # loads when first used, so a `kretslopp` command that needs none of it starts fast.
    registry.navigation.register(
        "procurement:contracts",
        NavigationEntry(
            "procurement:contracts",
            _("Contracts"),
            lazy("kretslopp.procurement.labels.may_read_contracts"),
            61,
        ),
    )
    registry.import_targets.register(
        "procurement_criteria",  # exchange_import.TARGET_NAME
        ImportTargetEntry(
            target="kretslopp.procurement.exchange_import.CriteriaExchangeTarget",
            label=_("Procurement criteria from another organisation"),
            allowed=lambda access: access.can(Action.MANAGE_PROCUREMENT),
            order=70,
        ),
    )
    for order, ((category, measure), label) in enumerate(KPI_LABELS.items()):
        assert category in ProductCategory.values
        code = f"tco_{measure}_{category}"  # labels.kpi_code
        registry.kpis.register(
            code,
            KpiEntry(
                code=code,
                label=label,
                unit="%",
                direction="increase",
                actuals=_kpi_actuals(category, measure),
                order=60 + order,
            ),
        )
    registry.dashboard_panels.register(
        "procurement:labels",
        Panel(
            "procurement/_label_panel.html",
            label_panel,
            order=60,
            version=label_panel_version,
        ),
    )
    # Mounted before the procurement router, as the API's paths were first laid out.
    registry.api_routers.register(
        "procurement_follow_up", ApiRouterEntry("kretslopp.procurement.api_follow_up.router", 90)
    )
    registry.api_routers.register(
        "procurement", ApiRouterEntry("kretslopp.procurement.api.router", 91)
    )

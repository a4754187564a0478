from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnergyConfig(AppConfig):
    """The IT energy ledger, targets for every KPI and the Green Digital Charter view."""

    name = "kretslopp.energy"
    label = "energy"
    verbose_name = _("Energy and targets")

    def ready(self) -> None:
        from kretslopp.core.registry import ApiRouterEntry, NavigationEntry, Panel, lazy, registry
        from kretslopp.energy import kpis
        from kretslopp.energy.meterimport import register_target
        from kretslopp.organisation.access import Action

        # Meter readings go through the one import pipeline: make them a known target.
        register_target()
        kpis.register()
        registry.navigation.register(
            "energy:dashboard",
            NavigationEntry(
                "energy:dashboard",
                _("Energy and targets"),
                lambda access: access.can(Action.VIEW),
                70,
            ),
        )
        # First on the start page: are we on course for the target, and what CO2e does IT cause.
        registry.dashboard_panels.register(
            "energy:start",
            Panel(
                "energy/panels/start.html",
                lazy("kretslopp.energy.panels.start"),
                5,
                version=lazy("kretslopp.energy.panels.start_version"),
            ),
        )
        registry.api_routers.register("energy", ApiRouterEntry("kretslopp.energy.api.router", 30))
        registry.warmers.register("energy ledgers", lazy("kretslopp.energy.ledger.warm"))
        from kretslopp.core.registry import ReportSection, lazy

        registry.report_sections.register(
            "energy:charter",
            ReportSection(lazy("kretslopp.energy.report_section.charter_section"), 20),
        )

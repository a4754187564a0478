from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarbonConfig(AppConfig):
    """The footprint engine in the app: choices, overrides, match decisions, figures on pages."""

    name = "kretslopp.carbon"
    label = "carbon"
    verbose_name = _("Climate footprint")

    def ready(self) -> None:
        from kretslopp.core.registry import (
            ApiRouterEntry,
            NavigationEntry,
            Panel,
            ReportSection,
            lazy,
            registry,
        )
        from kretslopp.organisation.access import Access

        registry.navigation.register(
            "carbon:methodology",
            NavigationEntry(
                "carbon:methodology", _("Methodology"), Access.may_read_methodology, 80
            ),
        )
        registry.dashboard_panels.register(
            "carbon:fleet_by_year",
            Panel(
                "carbon/fleet_by_year.html",
                lazy("kretslopp.carbon.panels.fleet_by_year"),
                20,
                version=lazy("kretslopp.carbon.panels.fleet_by_year_version"),
            ),
        )
        registry.api_routers.register("carbon", ApiRouterEntry("kretslopp.carbon.api.router", 50))
        registry.asset_panels.register(
            "carbon:footprint",
            Panel("carbon/asset_footprint.html", lazy("kretslopp.carbon.panels.asset_footprint")),
        )
        registry.model_panels.register(
            "carbon:figures",
            Panel("carbon/model_card.html", lazy("kretslopp.carbon.panels.model_card")),
        )
        registry.department_panels.register(
            "carbon:fleet_by_year",
            Panel(
                "carbon/fleet_by_year.html",
                lazy("kretslopp.carbon.panels.department_by_year"),
                20,
                version=lazy("kretslopp.carbon.panels.department_by_year_version"),
            ),
        )
        registry.report_sections.register(
            "carbon:footprint",
            ReportSection(lazy("kretslopp.carbon.report_section.footprint_section"), 30),
        )

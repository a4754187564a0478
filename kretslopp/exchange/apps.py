from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """KPI exchange between municipalities (issue 15, point 4).

    A composition app: it reads the KPIs the domains register (``registry.kpis``), publishes
    the values the sustainability lead chooses in an open, Kolada-shaped format, imports
    other municipalities' files through the one import pipeline and ranks the organisation
    among its peers. Layered below ``demo`` (which generates its demo peers) and above the
    domains (see ``docs/architecture.md``).
    """

    name = "kretslopp.exchange"
    label = "exchange"
    verbose_name = _("KPI exchange")

    def ready(self) -> None:
        from kretslopp.core.registry import (
            ApiRouterEntry,
            CommandEntry,
            ImportTargetEntry,
            NavigationEntry,
            lazy,
            registry,
        )

        registry.navigation.register(
            "exchange:compare",
            NavigationEntry(
                "exchange:compare",
                _("Compare municipalities"),
                lazy("kretslopp.exchange.access.may_compare"),
                72,
            ),
        )
        registry.import_targets.register(
            "kpi_exchange",  # importing.TARGET_NAME
            ImportTargetEntry(
                target="kretslopp.exchange.importing.PeerValuesTarget",
                label=_("KPI values from another municipality"),
                allowed=lazy("kretslopp.exchange.access.may_publish"),
                order=80,
                options={"source": "where the file came from, e.g. Lunds kommun, e-post"},
            ),
        )
        registry.api_routers.register(
            "exchange", ApiRouterEntry("kretslopp.exchange.api.router", 95)
        )
        registry.import_commands.register(
            "kpi-exchange",
            CommandEntry(
                "another municipality's KPI exchange file (JSON or CSV)",
                lazy("kretslopp.exchange.cli.add_arguments"),
                lazy("kretslopp.exchange.cli.run"),
                80,
            ),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircularConfig(AppConfig):
    """Take-back (återtag): campaigns, collection, hand-over, partner results, reconciliation."""

    name = "kretslopp.circular"
    label = "circular"
    verbose_name = _("Take-back")

    def ready(self) -> None:
        from kretslopp.circular.report import register_target
        from kretslopp.core.registry import (
            ApiRouterEntry,
            CommandEntry,
            NavigationEntry,
            lazy,
            registry,
        )
        from kretslopp.organisation.access import Access

        # A partner's report goes through the one import pipeline: register it as a target.
        register_target()

        registry.navigation.register(
            "circular:campaigns",
            NavigationEntry("circular:campaigns", _("Take-back"), Access.may_read_takeback, 50),
        )
        registry.api_routers.register(
            "circular", ApiRouterEntry("kretslopp.circular.api.router", 60)
        )
        registry.import_commands.register(
            "partner-report",
            CommandEntry(
                "a take-back partner's report: erasure certificates, grades, outcomes",
                lazy("kretslopp.circular.cli.add_arguments"),
                lazy("kretslopp.circular.cli.import_partner_report"),
                40,
            ),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircularConfig(AppConfig):
    """Take-back (återtag): campaigns, collection, hand-over, partner results, reconciliation."""

    name = "kretslopp.circular"
    label = "circular"
    verbose_name = _("Take-back")

    def ready(self) -> None:
        from kretslopp.core.registry import (
            ApiRouterEntry,
            CommandEntry,
            ImportTargetEntry,
            NavigationEntry,
            Panel,
            lazy,
            registry,
        )
        from kretslopp.organisation.access import Access, Action

        # A partner's report goes through the one import pipeline: a target, imported when
        # first used, so that registering stays cheap.
        registry.import_targets.register(
            "partner_report",
            ImportTargetEntry(
                target="kretslopp.circular.report.PartnerReportTarget",
                label=_("Partner report (take-back)"),
                allowed=lambda access: access.can(Action.REPORT_TAKEBACK),
                order=20,
                options={"campaign": "the campaign's number"},
            ),
        )

        registry.navigation.register(
            "circular:campaigns",
            NavigationEntry("circular:campaigns", _("Take-back"), Access.may_read_takeback, 50),
        )
        # The start page: take-back (order 6) right after the CO2e of IT (energy's 5), so the
        # avoided CO2e stands beside the footprint, never in it; devices due under the estate.
        registry.dashboard_panels.register(
            "circular:devices_due",
            Panel(
                "circular/panels/devices_due.html",
                lazy("kretslopp.circular.panels.devices_due"),
                15,
            ),
        )
        registry.dashboard_panels.register(
            "circular:takeback",
            Panel(
                "circular/panels/takeback.html",
                lazy("kretslopp.circular.panels.takeback"),
                6,
                version=lazy("kretslopp.circular.panels.takeback_version"),
            ),
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
        from kretslopp.core.registry import ReportSection

        registry.report_sections.register(
            "circular:takeback",
            ReportSection(lazy("kretslopp.circular.report_section.takeback_section"), 40),
        )

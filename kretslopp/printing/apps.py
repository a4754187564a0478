from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    """Print volumes per department and month from print logs, and print targets."""

    name = "kretslopp.printing"
    label = "printing"
    verbose_name = _("Printing")

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
        from kretslopp.organisation.access import Action
        from kretslopp.printing import energy

        # Print logs go through the one import pipeline: a target, imported when first used
        # (the log parsers need numpy; `kretslopp import assets` should not load them).
        registry.import_targets.register(
            "print_log",
            ImportTargetEntry(
                target="kretslopp.printing.importer.PrintLogTarget",
                label=_("Print log"),
                allowed=lambda access: access.can(Action.MANAGE_METHODOLOGY),
                order=40,
                options={"log_format": "auto, cups or papercut", "page_log_format": "CUPS only"},
            ),
        )

        registry.navigation.register(
            "printing:overview",
            NavigationEntry(
                "printing:overview", _("Printing"), lambda access: access.can(Action.VIEW), 75
            ),
        )
        registry.dashboard_panels.register(
            "printing:headline",
            Panel("printing/panel.html", lazy("kretslopp.printing.panels.headline"), 35),
        )
        registry.api_routers.register(
            "printing", ApiRouterEntry("kretslopp.printing.api.router", 40)
        )
        registry.import_commands.register(
            "prints",
            CommandEntry(
                "a CUPS page_log or a PaperCut print log (CSV)",
                lazy("kretslopp.printing.cli.add_arguments"),
                lazy("kretslopp.printing.cli.run"),
                30,
            ),
        )
        energy.register()

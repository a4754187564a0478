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
            NavigationEntry,
            lazy,
            registry,
        )
        from kretslopp.organisation.access import Action
        from kretslopp.printing import energy
        from kretslopp.printing.importer import register_target

        # Print logs go through the one import pipeline: register them as a target.
        register_target()

        registry.navigation.register(
            "printing:overview",
            NavigationEntry(
                "printing:overview", _("Printing"), lambda access: access.can(Action.VIEW), 75
            ),
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
